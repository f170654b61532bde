/*
 * Part of t_config.c: the full examples in regress/common/config/, one
 * per kind, every key set to a value that is not its default, read back
 * field by field.  Both files are written the way conf_print_*() writes,
 * so printing the parsed config must give the file's very bytes.
 */

static int
key_is(const struct conf_key *k, const char *b64)
{
	uint8_t	want[EG_KEY_LEN];

	if (conf_key_from_base64(b64, want) != 0)
		return 0;
	return k->set && memcmp(k->key, want, EG_KEY_LEN) == 0;
}

#define STR_IS(a, b)	((a) != NULL && strcmp((a), (b)) == 0)

static void
test_full_edge(void)
{
	struct conf_diags	 d = { 0 };
	struct edge_conf	*c;
	const struct conf_iface	*i;
	const struct conf_dynroute *r;
	const struct conf_graph	*g;
	char			 path[PATH_MAX * 2], *file, *printed = NULL;
	size_t			 len;

	snprintf(path, sizeof(path), "%s/regress/common/config/full_edge.yaml",
	    top);
	c = conf_load_edge(path, &d, 0);
	if (!ok(c != NULL && d.count == 0, "full edge example loads")) {
		show_diags(&d);
		conf_diags_free(&d);
		return;
	}
	i = &c->iface;
	ok(i->itype == IFT_UDPSOCK && STR_IS(i->name, "eg7") &&
	    i->vpp_iface_id == 11 && i->vpp_bridge_id == 12,
	    "edge: IType, Name, VPPIFaceID, VPPBridgeID");
	ok(STR_IS(i->macaddr_prefix, "02:AB:CD") && i->mac_prefix_len == 3 &&
	    i->mac_prefix[0] == 0x02 && i->mac_prefix[1] == 0xab &&
	    i->mac_prefix[2] == 0xcd, "edge: MacAddrPrefix parsed");
	ok(STR_IS(i->ipv4_cidr, "10.7.0.7/16") &&
	    STR_IS(i->ipv6_cidr, "fd00:7::7/64") &&
	    STR_IS(i->ipv6_ll_prefix, "fe80::7:0/112"), "edge: CIDRs");
	ok(i->mtu == 1280 && STR_IS(i->recv_addr, "127.0.0.1:4007") &&
	    STR_IS(i->send_addr, "[::1]:5007") && i->l2_header_mode ==
	    L2H_NOL2, "edge: MTU, RecvAddr, SendAddr, L2HeaderMode");
	ok(c->node_id == 7 && STR_IS(c->node_name, "edge7") &&
	    STR_IS(c->post_script, "/etc/eg/up.sh 7 \"#x\"") &&
	    c->default_ttl == 64 && c->l2fib_timeout == 1800.5,
	    "edge: NodeID, NodeName, PostScript, DefaultTTL, L2FIBTimeout");
	ok(c->l2fib_node_limit == 300 && c->bcast_rate == 25.5 &&
	    c->bcast_burst == 40,
	    "edge: L2FIBNodeLimit, BroadcastRate, BroadcastBurst");
	ok(key_is(&c->privkey, K_PRIV) && c->listen_port == 3007 &&
	    c->fwmark == 4660, "edge: PrivKey, ListenPort, FwMark");
	ok(!c->disabled_af.ipv4 && c->disabled_af.ipv6 &&
	    STR_IS(c->disabled_af.listen_ipv4, "127.0.0.1") &&
	    STR_IS(c->disabled_af.listen_ipv6, "::1") && c->af_prefer == 6,
	    "edge: DisabledAf, AfPrefer");
	ok(c->loglevel.level == WGLOG_DEBUG && c->loglevel.log_transit &&
	    c->loglevel.log_normal && c->loglevel.dump_normal &&
	    c->loglevel.log_control && c->loglevel.log_internal &&
	    c->loglevel.log_ntp, "edge: LogLevel block");
	r = &c->dynroute;
	ok(r->send_ping_interval == 17 && r->peer_alive_timeout == 71 &&
	    r->timeout_check_interval == 21 && r->conn_next_try == 6 &&
	    r->dup_check_timeout == 41 && r->additional_cost == 11.5 &&
	    r->damping_filter_radius == 5 && r->save_new_peers,
	    "edge: DynamicRoute scalars");
	ok(r->supernode.use_supernode &&
	    key_is(&r->supernode.psk,
	    "3Wh68+KQ4UdbOPzyQyyc/NCA2r5w9kNb9VRCebIBHLY=") &&
	    STR_IS(r->supernode.endpoint_v4, "sn.example.net:3456") &&
	    key_is(&r->supernode.pubkey_v4,
	    "cxDwILQraH+qRgse5ccd1caK2t5PGL2XXxE5/2G6sA0=") &&
	    STR_IS(r->supernode.endpoint_v6, "[2001:db8::1]:3456") &&
	    key_is(&r->supernode.pubkey_v6,
	    "/17G12shfevaXEeZE9I5CkWMZuTkWbZELTwGcXkG1Aw=") &&
	    STR_IS(r->supernode.edge_api_url,
	    "https://sn.example.net/eg_net/eg_api") &&
	    r->supernode.skip_local_ip && r->supernode.info_timeout == 51,
	    "edge: SuperNode block");
	ok(r->supernode.additional_local_ip.count == 2 &&
	    STR_IS(r->supernode.additional_local_ip.items[0],
	    "192.0.2.1:3007") &&
	    STR_IS(r->supernode.additional_local_ip.items[1],
	    "[2001:db8::7]:3007"), "edge: AdditionalLocalIP list");
	g = &r->p2p.graph;
	ok(r->p2p.use_p2p && r->p2p.send_peer_interval == 21 &&
	    g->static_mode && g->jitter_tolerance == 51 &&
	    g->jitter_tolerance_multiplier == 1.2 &&
	    g->damping_resistance == 0.5 && g->timeout_check_interval == 6 &&
	    g->recalculate_cooldown == 7, "edge: P2P and its graph settings");
	ok(g->manual_count == 2 && g->manual[0].src == 1 &&
	    g->manual[0].dst == 2 && g->manual[0].ms == 1.5 &&
	    g->manual[1].src == 7 && g->manual[1].dst == NODEID_BROADCAST &&
	    g->manual[1].ms == 2.25, "edge: ManualLatency with a wildcard");
	ok(r->ntp.use_ntp && r->ntp.max_server_use == 3 &&
	    r->ntp.sync_time_interval == 1800 && r->ntp.ntp_timeout == 4 &&
	    r->ntp.servers.count == 2 &&
	    STR_IS(r->ntp.servers.items[0], "pool.ntp.org") &&
	    STR_IS(r->ntp.servers.items[1], "192.0.2.123"), "edge: NTPConfig");
	ok(c->nhtable.count == 3 && conf_nexthop(&c->nhtable, 1, 7) == 2 &&
	    conf_nexthop(&c->nhtable, 7, 1) == 2 &&
	    conf_nexthop(&c->nhtable, 7, 3) == 2 &&
	    conf_nexthop(&c->nhtable, 3, 7) == NODEID_INVALID,
	    "edge: NextHopTable, conf_nexthop");
	ok(c->reset_endpoint_interval == 300, "edge: ResetEndPointInterval");
	ok(c->npeers == 2 && c->peers[0].node_id == 2 &&
	    key_is(&c->peers[0].pubkey, K_C) &&
	    key_is(&c->peers[0].psk,
	    "W0CwBPVUSl7FzMsNWdcepH2hqb3HqgXbIdog1245AG8=") &&
	    STR_IS(c->peers[0].endpoint, "192.0.2.2:3002") &&
	    c->peers[0].persistent_keepalive == 25 && c->peers[0].is_static,
	    "edge: Peers[0]");
	ok(c->npeers == 2 && c->peers[1].node_id == 3 &&
	    key_is(&c->peers[1].pubkey, K_A) && !c->peers[1].psk.set &&
	    STR_IS(c->peers[1].endpoint, "peer3.example.org:3003") &&
	    c->peers[1].persistent_keepalive == 0 && !c->peers[1].is_static,
	    "edge: Peers[1] (empty PSKey)");
	ok(conf_edge_peer_by_id(c, 3) == &c->peers[1] &&
	    conf_edge_peer_by_id(c, 4) == NULL, "edge: conf_edge_peer_by_id");
	ok(edge_roundtrip(c, &printed), "edge: full example round-trips");
	file = read_all(path, &len);
	ok(file != NULL && printed != NULL && strcmp(file, printed) == 0,
	    "edge: printing gives the example file's bytes");
	free(file);
	free(printed);
	conf_free_edge(c);
	conf_diags_free(&d);
}

static void
test_full_super(void)
{
	struct conf_diags	 d = { 0 };
	struct super_conf	*c;
	const struct conf_graph	*g;
	const struct conf_super_peer *p;
	char			 path[PATH_MAX * 2], *file, *printed = NULL;
	size_t			 len;

	snprintf(path, sizeof(path), "%s/regress/common/config/"
	    "full_super.yaml", top);
	c = conf_load_super(path, &d, 0);
	if (!ok(c != NULL && d.count == 0, "full supernode example loads")) {
		show_diags(&d);
		conf_diags_free(&d);
		return;
	}
	ok(STR_IS(c->node_name, "super9") &&
	    STR_IS(c->post_script, "/usr/local/bin/sn-up") &&
	    key_is(&c->privkey_v4,
	    "pK9ZlYhh6MpRl8cYBJPe3M5yYQrV8KwDIutREoLSBBo=") &&
	    key_is(&c->privkey_v6,
	    "Z/mYS5rN+6NKnZZMGZm4snm7AUrRS2soIPjNnQ5AhEo="),
	    "super: NodeName, PostScript, PrivKeyV4, PrivKeyV6");
	ok(c->listen_port == 4456 && STR_IS(c->listen_port_edge_api, "4457") &&
	    STR_IS(c->listen_port_manage_api, "127.0.0.1:4458") &&
	    c->fwmark == 51, "super: ports, FwMark");
	ok(c->disabled_af.ipv4 && !c->disabled_af.ipv6 &&
	    STR_IS(c->disabled_af.listen_ipv4, "0.0.0.0") &&
	    STR_IS(c->disabled_af.listen_ipv6, "::"), "super: DisabledAf");
	ok(STR_IS(c->api_prefix, "/net9/api") &&
	    c->repush_config_interval == 31 && c->http_post_interval == 51 &&
	    c->peer_alive_timeout == 72 && c->send_ping_interval == 14 &&
	    c->damping_filter_radius == 6, "super: API and timers");
	ok(c->loglevel.level == WGLOG_SILENT && c->loglevel.log_transit &&
	    c->loglevel.log_normal && c->loglevel.dump_normal &&
	    c->loglevel.log_control && c->loglevel.log_internal &&
	    c->loglevel.log_ntp, "super: LogLevel");
	ok(STR_IS(c->passwords.show_state, "pw_show") &&
	    STR_IS(c->passwords.add_peer, "pw_add") &&
	    STR_IS(c->passwords.del_peer, "pw_del") &&
	    STR_IS(c->passwords.update_peer, "pw_upd") &&
	    STR_IS(c->passwords.update_super, "pw: super"),
	    "super: Passwords");
	g = &c->graph;
	ok(g->static_mode && g->jitter_tolerance == 31 &&
	    g->jitter_tolerance_multiplier == 1.02 &&
	    g->damping_resistance == 0.8 && g->timeout_check_interval == 4 &&
	    g->recalculate_cooldown == 3, "super: GraphRecalculateSetting");
	ok(g->manual_count == 2 && g->manual[0].src == 1 &&
	    g->manual[0].dst == 2 && g->manual[0].ms == 1.14 &&
	    g->manual[1].src == NODEID_BROADCAST && g->manual[1].dst == 1 &&
	    g->manual[1].ms == 8.125, "super: ManualLatency");
	ok(c->nhtable.count == 2 && conf_nexthop(&c->nhtable, 1, 2) == 3 &&
	    conf_nexthop(&c->nhtable, 2, 1) == 3, "super: NextHopTable");
	ok(c->manage_api.allow_from.count == 2 &&
	    STR_IS(c->manage_api.allow_from.items[0], "192.0.2.0/24") &&
	    STR_IS(c->manage_api.allow_from.items[1], "2001:db8::7") &&
	    c->manage_api.plain_passwords == MPLAIN_ALL &&
	    c->manage_api.del_peer_by_privkey, "super: ManageAPI");
	ok(STR_IS(c->edge_template, "/etc/eg/edge_template.yaml") &&
	    c->use_psk_for_inter_edge && c->reset_endpoint_interval == 0,
	    "super: EdgeTemplate, UsePSKForInterEdge, ResetEndPointInterval");
	p = c->peers;
	ok(c->npeers == 2 && p[0].node_id == 1 &&
	    STR_IS(p[0].name, "edge one") && key_is(&p[0].pubkey, K_PUB) &&
	    key_is(&p[0].psk, "3Wh68+KQ4UdbOPzyQyyc/NCA2r5w9kNb9VRCebIBHLY=") &&
	    p[0].additional_cost == -1 && p[0].skip_local_ip &&
	    STR_IS(p[0].endpoint, "198.51.100.1:3001") &&
	    STR_IS(p[0].external_ip, "203.0.113.1"), "super: Peers[0]");
	ok(c->npeers == 2 && p[1].node_id == 2 && STR_IS(p[1].name, "edge2") &&
	    key_is(&p[1].pubkey, K_A) && p[1].additional_cost == 1000 &&
	    !p[1].skip_local_ip && STR_IS(p[1].endpoint, "") &&
	    STR_IS(p[1].external_ip, "2001:db8::2"), "super: Peers[1]");
	ok(super_roundtrip(c, &printed), "super: full example round-trips");
	file = read_all(path, &len);
	ok(file != NULL && printed != NULL && strcmp(file, printed) == 0,
	    "super: printing gives the example file's bytes");
	free(file);
	free(printed);
	conf_free_super(c);
	conf_diags_free(&d);
}
