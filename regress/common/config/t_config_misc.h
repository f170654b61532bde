/*
 * Part of t_config.c: warnings, case-insensitive keys, defaults, value
 * spellings, secrets and the helper functions.
 */

static struct edge_conf *
edge_from(const char *yaml, int flags, struct conf_diags *d)
{
	memset(d, 0, sizeof(*d));
	return conf_parse_edge("t.yaml", yaml, strlen(yaml), d, flags);
}

static struct super_conf *
super_from(const char *yaml, int flags, struct conf_diags *d)
{
	memset(d, 0, sizeof(*d));
	return conf_parse_super("t.yaml", yaml, strlen(yaml), d, flags);
}

static void
test_warnings(void)
{
	struct conf_diags	 d;
	struct edge_conf	*c;

	test_many_errors();

	c = edge_from(E_BASE "DynamicRoute:\n  Foo: 1\n  SendPingInterval: 3\n"
	    "Bar:\n  x: [1]\n", 0, &d);
	ok(c != NULL && d.nerrors == 0 && d.count == 2 &&
	    has_diag(&d, "t.yaml:6:3: warning: unknown key DynamicRoute.Foo") &&
	    has_diag(&d, "t.yaml:8:1: warning: unknown key Bar"),
	    "unknown keys warn with line and key path, and do not fail");
	ok(c != NULL && c->dynroute.send_ping_interval == 3,
	    "keys next to an unknown one are read");
	conf_free_edge(c);
	conf_diags_free(&d);

	c = edge_from(E_BASE "Peers:\n" PEER_A "  Colour: red\n", 0, &d);
	ok(c != NULL && d.count == 1 && has_diag(&d,
	    "t.yaml:8:3: warning: unknown key Peers[0].Colour"),
	    "unknown key in a peer warns with its index");
	conf_free_edge(c);
	conf_diags_free(&d);

	c = edge_from(E_BASE "ResetConnInterval: 42\n", 0, &d);
	ok(c != NULL && d.count == 1 && c->reset_endpoint_interval == 42 &&
	    has_diag(&d, "t.yaml:5:1: warning: key ResetConnInterval is an "
	    "old name of ResetEndPointInterval"),
	    "old key name ResetConnInterval is read, with a warning");
	conf_free_edge(c);
	conf_diags_free(&d);
}

static void
test_case_insensitive(void)
{
	struct conf_diags	 d;
	struct edge_conf	*c;
	struct super_conf	*s;

	c = edge_from("interface:\n  itype: TAP\n  MACADDRPREFIX: 02:00\n"
	    "NODEID: 9\nprivkey: " K_PRIV "\nloglevel:\n  LOGLEVEL: Debug\n"
	    "dynamicroute:\n  p2p:\n    graphrecalculatesetting:\n"
	    "      dampingresistance: 0.25\n", 0, &d);
	ok(c != NULL && d.count == 0 && c->iface.itype == IFT_TAP &&
	    c->node_id == 9 && c->loglevel.level == WGLOG_DEBUG &&
	    c->dynroute.p2p.graph.damping_resistance == 0.25 &&
	    c->iface.mac_prefix_len == 2,
	    "keys and enum values match in any case");
	conf_free_edge(c);
	conf_diags_free(&d);

	s = super_from("privkeyv4: " K_PRIV "\nPRIVKEYV6: " K_PRIV "\n"
	    "listenport: 1\nlistenport_edgeapi: \"80\"\napi_prefix: eg\n",
	    0, &d);
	ok(s != NULL && d.count == 0 && s->listen_port == 1 &&
	    strcmp(s->listen_port_edge_api, "80") == 0 &&
	    strcmp(s->listen_port_manage_api, "1") == 0 &&
	    strcmp(s->api_prefix, "/eg") == 0,
	    "supernode keys in any case; API_Prefix gets its '/'");
	conf_free_super(s);
	conf_diags_free(&d);
}

static void
test_defaults(void)
{
	struct conf_diags	 d;
	struct edge_conf	*c;
	struct super_conf	*s;
	const struct conf_dynroute *r;
	const struct conf_graph	*g;

	c = edge_from(E_BASE, 0, &d);
	if (!ok(c != NULL && d.count == 0, "minimal edge config loads")) {
		show_diags(&d);
		conf_diags_free(&d);
		return;
	}
	r = &c->dynroute;
	g = &r->p2p.graph;
	ok(c->default_ttl == 200 && c->l2fib_timeout == 3600 &&
	    c->af_prefer == 4 && c->listen_port == 0 && c->fwmark == 0 &&
	    c->iface.mtu == 1404 && c->iface.l2_header_mode == L2H_NOCHG &&
	    c->loglevel.level == WGLOG_ERROR &&
	    c->reset_endpoint_interval == 600 && c->npeers == 0 &&
	    c->nhtable.count == 0 && strcmp(c->node_name, "") == 0 &&
	    strcmp(c->iface.macaddr_prefix, "") == 0 &&
	    c->iface.mac_prefix_len == 0, "edge defaults: top level");
	ok(r->send_ping_interval == 16 && r->peer_alive_timeout == 70 &&
	    r->timeout_check_interval == 20 && r->conn_next_try == 5 &&
	    r->dup_check_timeout == 40 && r->additional_cost == 10 &&
	    r->damping_filter_radius == 4 && !r->save_new_peers &&
	    r->supernode.info_timeout == 50 && !r->supernode.use_supernode &&
	    r->p2p.send_peer_interval == 20 && r->ntp.max_server_use == 8 &&
	    r->ntp.sync_time_interval == 3600 && r->ntp.ntp_timeout == 3 &&
	    r->ntp.servers.count == 0, "edge defaults: DynamicRoute");
	ok(g->jitter_tolerance == 50 && g->jitter_tolerance_multiplier == 1.1 &&
	    g->damping_resistance == 0.95 && g->timeout_check_interval == 5 &&
	    g->recalculate_cooldown == 5 && g->manual_count == 0,
	    "edge defaults: GraphRecalculateSetting");
	conf_free_edge(c);
	conf_diags_free(&d);

	c = edge_from(E_BASE "AfPrefer: 0\n", 0, &d);
	ok(c != NULL && d.count == 0 && c->af_prefer == 0,
	    "AfPrefer 0 (EtherGuard-Go's generator) is no preference");
	conf_free_edge(c);
	conf_diags_free(&d);

	c = edge_from(E_BASE "DefaultTTL:\nDynamicRoute:\n", 0, &d);
	ok(c != NULL && d.count == 0 && c->default_ttl == 200,
	    "an empty value keeps the default");
	conf_free_edge(c);
	conf_diags_free(&d);

	s = super_from(S_BASE "Peers:\n- NodeID: 4\n  PubKey: " K_A "\n", 0,
	    &d);
	if (!ok(s != NULL && d.count == 0, "minimal supernode config loads")) {
		show_diags(&d);
		conf_diags_free(&d);
		return;
	}
	ok(strcmp(s->listen_port_edge_api, "3456") == 0 &&
	    strcmp(s->listen_port_manage_api, "3456") == 0 &&
	    strcmp(s->api_prefix, "/eg_net/eg_api") == 0 &&
	    s->repush_config_interval == 30 && s->http_post_interval == 50 &&
	    s->peer_alive_timeout == 70 && s->send_ping_interval == 16 &&
	    s->damping_filter_radius == 4 && s->loglevel.level == WGLOG_ERROR &&
	    s->reset_endpoint_interval == 600 && !s->use_psk_for_inter_edge,
	    "supernode defaults: top level");
	ok(s->graph.jitter_tolerance == 30 &&
	    s->graph.jitter_tolerance_multiplier == 1.01 &&
	    s->graph.damping_resistance == 0.95 &&
	    s->graph.timeout_check_interval == 5 &&
	    s->graph.recalculate_cooldown == 5,
	    "supernode defaults: GraphRecalculateSetting");
	ok(s->npeers == 1 && s->peers[0].additional_cost == -1 &&
	    strcmp(s->peers[0].name, "") == 0 && !s->peers[0].psk.set,
	    "supernode defaults: Peers entry (AdditionalCost -1)");
	ok(super_roundtrip(s, NULL), "minimal supernode config round-trips");
	conf_free_super(s);
	conf_diags_free(&d);

	s = super_from("PrivKeyV6: " K_PRIV "\nListenPort: 9\nDisabledAf:\n"
	    "  IPv4: yes\n", 0, &d);
	ok(s != NULL && d.count == 0 && !s->privkey_v4.set,
	    "PrivKeyV4 not required with DisabledAf.IPv4");
	conf_free_super(s);
	conf_diags_free(&d);
}

/* Bools, ints given for floats, hex ints, quoting of printed strings. */
static void
test_spellings(void)
{
	struct conf_diags	 d;
	struct edge_conf	*c;
	char			*out = NULL;

	c = edge_from(E_BASE "FwMark: 0x10\nLogLevel:\n  LogTransit: Yes\n"
	    "  LogNormal: ON\n  LogControl: TRUE\n  LogNTP: off\n"
	    "  LogInternal: No\nDynamicRoute:\n  SendPingInterval: 16\n"
	    "  PeerAliveTimeout: 1e2\n  ConnNextTry: 0.1\n"
	    "NodeName: \"yes\"\nPostScript: \"12:30\"\n", 0, &d);
	ok(c != NULL && d.count == 0 && c->fwmark == 16 &&
	    c->loglevel.log_transit && c->loglevel.log_normal &&
	    c->loglevel.log_control && !c->loglevel.log_ntp &&
	    !c->loglevel.log_internal && c->dynroute.send_ping_interval == 16 &&
	    c->dynroute.peer_alive_timeout == 100 &&
	    c->dynroute.conn_next_try == 0.1, "bool spellings, hex, numbers");
	ok(c != NULL && edge_roundtrip(c, &out) && out != NULL &&
	    strstr(out, "\nNodeName: \"yes\"\n") != NULL &&
	    strstr(out, "\nPostScript: \"12:30\"\n") != NULL &&
	    strstr(out, "\n  ConnNextTry: 0.1\n") != NULL &&
	    strstr(out, "\n  PeerAliveTimeout: 100\n") != NULL,
	    "strings that look like other types are quoted; numbers short");
	free(out);
	conf_free_edge(c);
	conf_diags_free(&d);

	c = edge_from(E_BASE "PostScript: \"tab\\there \\u2028 \\\" \\\\ "
	    "\\x01 caf\\u00e9\"\n", 0, &d);
	ok(c != NULL && strcmp(c->post_script,
	    "tab\there \xe2\x80\xa8 \" \\ \x01 caf\xc3\xa9") == 0 &&
	    edge_roundtrip(c, NULL), "escapes in strings round-trip");
	conf_free_edge(c);
	conf_diags_free(&d);
}

static void
test_secrets(void)
{
	struct conf_diags	 d;
	struct edge_conf	*c, *c2;
	struct super_conf	*s, *s2;
	char			*red, *all, path[PATH_MAX * 2];

	test_spellings();

	snprintf(path, sizeof(path), "%s/regress/common/config/full_edge.yaml",
	    top);
	memset(&d, 0, sizeof(d));
	c = conf_load_edge(path, &d, 0);
	red = c ? conf_dump_edge(c, 0, NULL) : NULL;
	all = c ? conf_dump_edge(c, CONF_PRINT_SECRETS, NULL) : NULL;
	ok(red != NULL && strstr(red, "\nPrivKey: \"\"\n") != NULL &&
	    strstr(red, "    PSKey: \"\"\n") != NULL &&
	    strstr(red, "  PSKey: W0Cw") == NULL && strstr(red, K_PRIV) == NULL,
	    "edge: secrets printed as \"\" by default");
	ok(red != NULL && strstr(red, "PubKeyV4: cxDw") != NULL,
	    "edge: public keys are printed");
	ok(all != NULL && strstr(all, "\nPrivKey: " K_PRIV "\n") != NULL &&
	    strstr(all, "  PSKey: W0Cw") != NULL,
	    "edge: CONF_PRINT_SECRETS prints them");
	conf_diags_free(&d);
	c2 = red ? edge_from(red, 0, &d) : NULL;
	ok(c2 == NULL && has_diag(&d, "t.yaml:22:10: PrivKey: must not be "
	    "empty"), "edge: redacted config fails without "
	    "CONF_PARSE_NO_SECRETS");
	conf_diags_free(&d);
	c2 = red ? edge_from(red, CONF_PARSE_NO_SECRETS, &d) : NULL;
	ok(c2 != NULL && d.count == 0 && !c2->privkey.set &&
	    !c2->dynroute.supernode.psk.set && c2->npeers == 2,
	    "edge: redacted config loads with CONF_PARSE_NO_SECRETS");
	conf_free_edge(c2);
	conf_diags_free(&d);
	c2 = edge_from("Interface:\n  IType: dummy\nNodeID: 1\n",
	    CONF_PARSE_NO_SECRETS, &d);
	ok(c2 != NULL && d.count == 0, "CONF_PARSE_NO_SECRETS: PrivKey may "
	    "be absent");
	conf_free_edge(c2);
	conf_diags_free(&d);
	free(red);
	free(all);
	conf_free_edge(c);

	snprintf(path, sizeof(path), "%s/regress/common/config/"
	    "full_super.yaml", top);
	s = conf_load_super(path, &d, 0);
	red = s ? conf_dump_super(s, 0, NULL) : NULL;
	all = s ? conf_dump_super(s, CONF_PRINT_SECRETS, NULL) : NULL;
	ok(red != NULL && strstr(red, "PrivKeyV4: \"\"\nPrivKeyV6: \"\"\n") &&
	    strstr(red, "  ShowState: \"\"\n") && strstr(red, "pw_") == NULL &&
	    strstr(red, "  PSKey: \"\"\n") && strstr(red, "3Wh68") == NULL,
	    "super: keys, PSKs and passwords printed as \"\" by default");
	ok(all != NULL && strstr(all, "  ShowState: pw_show\n") &&
	    strstr(all, "  UpdateSuper: \"pw: super\"\n") &&
	    strstr(all, "  PSKey: 3Wh68"), "super: CONF_PRINT_SECRETS prints "
	    "them");
	conf_diags_free(&d);
	s2 = red ? super_from(red, 0, &d) : NULL;
	ok(s2 == NULL && has_diag(&d, "t.yaml:4:12: PrivKeyV6: must not be "
	    "empty"), "super: redacted config fails without the flag");
	conf_diags_free(&d);
	s2 = red ? super_from(red, CONF_PARSE_NO_SECRETS, &d) : NULL;
	ok(s2 != NULL && d.count == 0 && !s2->privkey_v6.set &&
	    strcmp(s2->passwords.add_peer, "") == 0,
	    "super: redacted config loads with CONF_PARSE_NO_SECRETS");
	conf_free_super(s2);
	conf_diags_free(&d);
	free(red);
	red = s ? conf_dump_super(s, CONF_PRINT_SHARED, NULL) : NULL;
	ok(red != NULL && strstr(red, "PrivKeyV4: \"\"\nPrivKeyV6: \"\"\n") &&
	    strstr(red, "  ShowState: \"\"\n") && strstr(red, "pw_") == NULL &&
	    strstr(red, "3Wh68"),
	    "super: CONF_PRINT_SHARED (control's copy) prints PSKs, no "
	    "private key and no password");
	s2 = red ? super_from(red, CONF_PARSE_NO_SECRETS, &d) : NULL;
	ok(s2 != NULL && d.count == 0 && s2->peers[0].psk.set,
	    "super: and it loads with CONF_PARSE_NO_SECRETS");
	conf_free_super(s2);
	conf_diags_free(&d);
	free(red);
	free(all);
	conf_free_super(s);
}

static void
test_helpers(void)
{
	struct conf_diags	 d = { 0 };
	uint8_t			 key[EG_KEY_LEN];
	char			 b64[45], path[] = "/tmp/t_config.XXXXXX";
	int			 fd;

	ok(conf_key_from_base64(K_A, key) == 0, "conf_key_from_base64");
	conf_key_to_base64(key, b64);
	ok(strcmp(b64, K_A) == 0, "conf_key_to_base64 gives it back");
	ok(conf_key_from_base64("", key) == -1 &&
	    conf_key_from_base64(K_A "A", key) == -1,
	    "conf_key_from_base64 refuses wrong lengths");
	ok(strcmp(conf_iface_type_name(IFT_UNIXPACKETSOCK),
	    "unixpacketsock") == 0 && strcmp(conf_iface_type_name(IFT_VPP),
	    "vpp") == 0, "conf_iface_type_name");

	ok(conf_load_edge("/nonexistent/eg.yaml", &d, 0) == NULL &&
	    d.nerrors == 1 && has_diag(&d, "/nonexistent/eg.yaml: No such "
	    "file or directory"), "missing file: one error naming it");
	conf_diags_free(&d);

	if ((fd = mkstemp(path)) == -1) {
		ok(0, "mkstemp");
		return;
	}
	fchmod(fd, 0600);
	ok(conf_file_is_exposed(path) == 0, "conf_file_is_exposed: 0600");
	fchmod(fd, 0640);
	ok(conf_file_is_exposed(path) == 1, "conf_file_is_exposed: 0640");
	fchmod(fd, 0604);
	ok(conf_file_is_exposed(path) == 1, "conf_file_is_exposed: 0604");
	if (write(fd, "NodeID: [\n", 10) != 10)
		ok(0, "write");
	close(fd);
	ok(conf_load_edge(path, &d, 0) == NULL && d.count == 1 &&
	    strncmp(d.items[0].msg, path, strlen(path)) == 0 &&
	    d.items[0].line == 2, "conf_load_edge names the file and line");
	conf_diags_free(&d);
	unlink(path);
	ok(conf_file_is_exposed(path) == -1, "conf_file_is_exposed: -1 if "
	    "no file");
}
