/*
 * Manage API request parsing: the seed's curl examples parse to the
 * right fields; wrong passwords, missing or malformed parameters and
 * out-of-range values are refused with a status and a reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "eg-supd/control_manage_parse.h"
#include "regress/lib/tap.h"

static char	why[MANAGE_REASON_LEN];
static const struct manage_limits lim = { 70, 15, 50, 0 };

/* Parses the query and body texts and runs manage_parse(). */
static int
run(enum manage_call call, const char *q, const char *b, int by_password,
    const struct manage_limits *l, struct supd_manage *m)
{
	struct manage_form	qf, bf;
	int			rc;

	why[0] = '\0';
	if (manage_form_parse(&qf, q, strlen(q), why, sizeof(why)) == -1)
		return -1;
	if (b != NULL && manage_form_parse(&bf, b, strlen(b), why,
	    sizeof(why)) == -1) {
		manage_form_free(&qf);
		return -1;
	}
	rc = manage_parse(call, &qf, b != NULL ? &bf : NULL, l, by_password,
	    m, why, sizeof(why));
	manage_form_free(&qf);
	if (b != NULL)
		manage_form_free(&bf);
	return rc;
}

static void
refused(enum manage_call call, const char *q, const char *b, int status,
    const char *what)
{
	struct supd_manage	m;
	int			rc;

	rc = run(call, q, b, 1, &lim, &m);
	ok(rc == status && why[0] != '\0' && strchr(why, '\n') == NULL,
	    "%s: %d (%s)", what, rc, why);
}

static void
test_form(void)
{
	struct manage_form	f;
	char			q[1024];
	int			i;

	ok(manage_form_parse(&f, "a=1&&b=x%2By+z&c&d=", 19, why,
	    sizeof(why)) == 0 && f.n == 4 &&
	    strcmp(manage_form_get(&f, "b"), "x+y z") == 0 &&
	    strcmp(manage_form_get(&f, "c"), "") == 0 &&
	    strcmp(manage_form_get(&f, "d"), "") == 0 &&
	    manage_form_get(&f, "e") == NULL, "form decoding");
	manage_form_free(&f);
	ok(manage_form_parse(&f, "", 0, why, sizeof(why)) == 0 && f.n == 0,
	    "empty form");
	ok(manage_form_parse(&f, "a=%4", 4, why, sizeof(why)) == -1,
	    "truncated escape refused (%s)", why);
	ok(manage_form_parse(&f, "a=%zz", 5, why, sizeof(why)) == -1,
	    "bad escape refused");
	ok(manage_form_parse(&f, "a=x%00y", 7, why, sizeof(why)) == -1,
	    "%%00 refused");
	ok(manage_form_parse(&f, "a=x\0y", 5, why, sizeof(why)) == -1,
	    "raw NUL refused");
	ok(manage_form_parse(&f, "a=1&a=2", 7, why, sizeof(why)) == -1,
	    "repeated key refused (%s)", why);
	ok(manage_form_parse(&f, "=1", 2, why, sizeof(why)) == -1,
	    "empty key refused");
	q[0] = '\0';
	for (i = 0; i <= MANAGE_MAX_PARAMS; i++)
		snprintf(q + strlen(q), sizeof(q) - strlen(q), "%sk%d=1",
		    i ? "&" : "", i);
	ok(manage_form_parse(&f, q, strlen(q), why, sizeof(why)) == -1,
	    "%d parameters refused (%s)", MANAGE_MAX_PARAMS + 1, why);
	ok(manage_call_bypath("/manage/peer/add") == MANAGE_PEER_ADD &&
	    manage_call_bypath("/manage/super/state") == MANAGE_SUPER_STATE &&
	    manage_call_bypath("/manage/peer/add/") == -1 &&
	    manage_call_bypath("/manage/peer") == -1, "call paths");
}

static void
test_password(void)
{
	ok(manage_password_check("passwd_addpeer", "passwd_addpeer", why,
	    sizeof(why)) == 0, "right password");
	ok(manage_password_check("passwd_addpeeR", "passwd_addpeer", why,
	    sizeof(why)) == 401, "wrong password: 401 (%s)", why);
	ok(manage_password_check("passwd", "passwd_addpeer", why,
	    sizeof(why)) == 401, "prefix of the password: 401");
	ok(manage_password_check("passwd_addpeer_", "passwd_addpeer", why,
	    sizeof(why)) == 401, "longer password: 401");
	ok(manage_password_check(NULL, "passwd_addpeer", why, sizeof(why)) ==
	    401, "missing password: 401 (%s)", why);
	ok(manage_password_check("", "", why, sizeof(why)) == 403,
	    "empty configured password disables the call: 403 (%s)", why);
	ok(manage_password_check("x", "", why, sizeof(why)) == 403,
	    "any password on a disabled call: 403");
}

static void
test_peer_add(void)
{
	struct supd_manage	m;
	struct manage_limits	st = lim;
	uint8_t			pk[32];
	const char		*seed = "NodeID=100&Name=Node_100&PubKey="
	    "DG%2FLq1bFpE%2F6109emAoO3iaC%2BshgWtdRaGBhW3soiSI%3D&"
	    "AdditionalCost=1000&"
	    "PSKey=w5t64vFEoyNk%2FiKJP3oeSi9eiGEiPteZmf2o0oI2q2U%3D&"
	    "SkipLocalIP=false";

	ok(run(MANAGE_PEER_ADD, "Password=passwd_addpeer", seed, 1, &lim,
	    &m) == 0 && m.op == SUPD_PEER_ADD && m.node_id == 100 &&
	    strcmp(m.name, "Node_100") == 0 && m.has_psk &&
	    m.has_additional_cost && m.additional_cost == 1000 &&
	    m.has_skip_local_ip && m.skip_local_ip == 0,
	    "seed's peer/add parses (%s)", why);
	conf_key_from_base64("DG/Lq1bFpE/6109emAoO3iaC+shgWtdRaGBhW3soiSI=",
	    pk);
	ok(memcmp(pk, m.pubkey, 32) == 0, "PubKey decoded");
	ok(run(MANAGE_PEER_ADD, "", "NodeID=5&Name=a&PubKey=DG%2FLq1bFpE%2F"
	    "6109emAoO3iaC%2BshgWtdRaGBhW3soiSI%3D&AdditionalCost=-1&"
	    "SkipLocalIP=TRUE", 1, &lim, &m) == 0 && !m.has_psk &&
	    m.additional_cost == -1 && m.skip_local_ip == 1,
	    "no PSKey, AdditionalCost -1, SkipLocalIP TRUE");
	ok(run(MANAGE_PEER_ADD, "NodeID=5&Name=a", "PubKey=DG%2FLq1bFpE%2F"
	    "6109emAoO3iaC%2BshgWtdRaGBhW3soiSI%3D&AdditionalCost=0&PSKey=",
	    1, &lim, &m) == 0 && m.node_id == 5 && !m.has_psk,
	    "fields from the query too; empty PSKey is none");
#define ADD_PK	"PubKey=DG%2FLq1bFpE%2F6109emAoO3iaC%2BshgWtdRaGBhW3soiSI" \
	"%3D"
	refused(MANAGE_PEER_ADD, "", "Name=a&" ADD_PK "&AdditionalCost=0",
	    400, "missing NodeID");
	refused(MANAGE_PEER_ADD, "", "NodeID=65533&Name=a&" ADD_PK
	    "&AdditionalCost=0", 400, "reserved NodeID");
	refused(MANAGE_PEER_ADD, "", "NodeID=1x&Name=a&" ADD_PK
	    "&AdditionalCost=0", 400, "NodeID not a number");
	refused(MANAGE_PEER_ADD, "", "NodeID=-1&Name=a&" ADD_PK
	    "&AdditionalCost=0", 400, "negative NodeID");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&" ADD_PK "&AdditionalCost=0",
	    400, "missing Name");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=&" ADD_PK
	    "&AdditionalCost=0", 400, "empty Name");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a%0Ab&" ADD_PK
	    "&AdditionalCost=0", 400, "newline in Name");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=012345678901234567890123"
	    "4567890123456789012345678901234567890123&" ADD_PK
	    "&AdditionalCost=0", 400, "64-byte Name");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&PubKey=DG/Lq1bFpE/6109e"
	    "mAoO3iaC+shgWtdRaGBhW3soiSI=&AdditionalCost=0", 400,
	    "PubKey with a raw '+'");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&PubKey=AAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D&AdditionalCost=0", 400,
	    "all-zero PubKey");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK, 400,
	    "missing AdditionalCost");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=-2", 400, "AdditionalCost -2");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=nan", 400, "AdditionalCost nan");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=1e400", 400, "AdditionalCost 1e400");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=0x10", 400, "AdditionalCost in hex");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=2e9", 400, "AdditionalCost 2e9");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=1&SkipLocalIP=yes", 400, "SkipLocalIP yes");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=1&PSKey=abc", 400, "bad PSKey");
	refused(MANAGE_PEER_ADD, "", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=1&Colour=red", 400, "unknown parameter");
	refused(MANAGE_PEER_ADD, "NodeID=1", "NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=1", 400, "NodeID in the query and the body");
	refused(MANAGE_PEER_ADD, "", "Password=x&NodeID=1&Name=a&" ADD_PK
	    "&AdditionalCost=1", 400, "Password in the body");
	st.static_mode = 1;
	ok(run(MANAGE_PEER_ADD, "", seed, 1, &st, &m) == 400 &&
	    strstr(why, "StaticMode") != NULL, "static mode: refused "
	    "(%s)", why);
}

static void
test_peer_del(void)
{
	struct supd_manage	m;
	uint8_t			priv[32], pub[32];

	ok(run(MANAGE_PEER_DEL, "Password=passwd_delpeer&NodeID=100", NULL, 1,
	    &lim, &m) == 0 && m.op == SUPD_PEER_DEL && m.node_id == 100,
	    "seed's peer/del by password");
	ok(run(MANAGE_PEER_DEL, "PrivKey=iquaLyD%2BYLzW3zvI0JGSed9GfDqHYMh%2F"
	    "vUaU0PYVAbQ%3D", NULL, 0, &lim, &m) == 0 &&
	    m.node_id == NODEID_INVALID, "seed's peer/del by PrivKey");
	conf_key_from_base64("iquaLyD+YLzW3zvI0JGSed9GfDqHYMh/vUaU0PYVAbQ=",
	    priv);
	crypto_scalarmult_base(pub, priv);
	ok(memcmp(pub, m.pubkey, 32) == 0, "public key derived");
	ok(run(MANAGE_PEER_DEL, "", "NodeID=7", 1, &lim, &m) == 0 &&
	    m.node_id == 7, "NodeID in a POST body");
	ok(run(MANAGE_PEER_DEL, "Password=x", NULL, 1, &lim, &m) == 400,
	    "password without NodeID: 400 (%s)", why);
	ok(run(MANAGE_PEER_DEL, "", NULL, 0, &lim, &m) == 400,
	    "neither password nor PrivKey: 400 (%s)", why);
	ok(run(MANAGE_PEER_DEL, "NodeID=3&PrivKey=iquaLyD%2BYLzW3zvI0JGSed9G"
	    "fDqHYMh%2FvUaU0PYVAbQ%3D", NULL, 0, &lim, &m) == 400,
	    "PrivKey with NodeID: 400 (%s)", why);
	ok(run(MANAGE_PEER_DEL, "NodeID=3&PrivKey=iquaLyD%2BYLzW3zvI0JGSed9G"
	    "fDqHYMh%2FvUaU0PYVAbQ%3D", NULL, 1, &lim, &m) == 400,
	    "Password with PrivKey: 400 (%s)", why);
	ok(run(MANAGE_PEER_DEL, "PrivKey=short", NULL, 0, &lim, &m) == 400,
	    "bad PrivKey: 400 (%s)", why);
}

static void
test_updates(void)
{
	struct supd_manage	m;

	ok(run(MANAGE_PEER_UPDATE, "Password=passwd_updatepeer&NodeID=1",
	    "AdditionalCost=10&SkipLocalIP=false", 1, &lim, &m) == 0 &&
	    m.op == SUPD_PEER_UPDATE && m.node_id == 1 &&
	    m.has_additional_cost && m.additional_cost == 10 &&
	    m.has_skip_local_ip && !m.skip_local_ip, "seed's peer/update");
	ok(run(MANAGE_PEER_UPDATE, "NodeID=1", "", 1, &lim, &m) == 0 &&
	    !manage_has_changes(&m), "peer/update with nothing to change");
	refused(MANAGE_PEER_UPDATE, "", "AdditionalCost=1", 400,
	    "peer/update without NodeID");
	refused(MANAGE_PEER_UPDATE, "NodeID=1", "Name=x", 400,
	    "peer/update cannot rename");

	ok(run(MANAGE_SUPER_UPDATE, "Password=passwd_updatesuper",
	    "SendPingInterval=15&HttpPostInterval=60&PeerAliveTimeout=70&"
	    "DampingResistance=0.9", 1, &lim, &m) == 0 &&
	    m.op == SUPD_SUPER_UPDATE && m.send_ping_interval == 15 &&
	    m.http_post_interval == 60 && m.peer_alive_timeout == 70 &&
	    m.damping_resistance == 0.9 && m.has_send_ping_interval &&
	    m.has_http_post_interval && m.has_peer_alive_timeout &&
	    m.has_damping_resistance, "seed's super/update");
	ok(run(MANAGE_SUPER_UPDATE, "", "DampingResistance=0", 1, &lim, &m) ==
	    0 && m.damping_resistance == 0 && !m.has_peer_alive_timeout,
	    "DampingResistance 0 alone");
	refused(MANAGE_SUPER_UPDATE, "", "PeerAliveTimeout=0", 400,
	    "PeerAliveTimeout 0");
	refused(MANAGE_SUPER_UPDATE, "", "PeerAliveTimeout=-5", 400,
	    "PeerAliveTimeout negative");
	refused(MANAGE_SUPER_UPDATE, "", "DampingResistance=1", 400,
	    "DampingResistance 1");
	refused(MANAGE_SUPER_UPDATE, "", "DampingResistance=-0.1", 400,
	    "DampingResistance -0.1");
	refused(MANAGE_SUPER_UPDATE, "", "SendPingInterval=0", 400,
	    "SendPingInterval 0");
	refused(MANAGE_SUPER_UPDATE, "", "SendPingInterval=70", 400,
	    "SendPingInterval = current PeerAliveTimeout");
	refused(MANAGE_SUPER_UPDATE, "", "SendPingInterval=20&"
	    "PeerAliveTimeout=20", 400, "SendPingInterval = new "
	    "PeerAliveTimeout");
	refused(MANAGE_SUPER_UPDATE, "", "HttpPostInterval=80", 400,
	    "HttpPostInterval > current PeerAliveTimeout");
	refused(MANAGE_SUPER_UPDATE, "", "PeerAliveTimeout=40", 400,
	    "PeerAliveTimeout below current HttpPostInterval");
	refused(MANAGE_SUPER_UPDATE, "", "HttpPostInterval=", 400,
	    "empty HttpPostInterval");
	refused(MANAGE_SUPER_UPDATE, "", "HttpPostInterval=0.5", 400,
	    "HttpPostInterval below its floor of 1 s (every edge posts)");
	refused(MANAGE_SUPER_UPDATE, "", "DampingFilterRadius=4", 400,
	    "DampingFilterRadius is not a parameter here");
	ok(run(MANAGE_SUPER_UPDATE, "", "PeerAliveTimeout=100&"
	    "HttpPostInterval=80", 1, &lim, &m) == 0, "raising both together");
	refused(MANAGE_SUPER_STATE, "Password=x&Extra=1", NULL, 400,
	    "super/state with an unknown parameter");
}

static void
test_conf(void)
{
	const char		*yaml = "NodeName: sn\nListenPort: 3456\n"
	    "Peers:\n"
	    "- NodeID: 1\n  Name: Node_01\n"
	    "  PubKey: DG/Lq1bFpE/6109emAoO3iaC+shgWtdRaGBhW3soiSI=\n"
	    "- NodeID: 2\n  Name: Node_02\n"
	    "  PubKey: Ev271azq3FXmjhCWtwgVvqe9EN017mijjqMiB9LVQU8=\n";
	struct conf_diags	 d;
	struct super_conf	*c;
	struct supd_manage	 m;

	memset(&d, 0, sizeof(d));
	c = conf_parse_super("t.yaml", yaml, strlen(yaml), &d,
	    CONF_PARSE_NO_SECRETS);
	ok(c != NULL, "test config parses");
	if (c == NULL) {
		conf_diags_print(stdout, &d);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.op = SUPD_PEER_ADD;
	m.node_id = 1;
	strlcpy(m.name, "new", sizeof(m.name));
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 409,
	    "add: NodeID taken: 409 (%s)", why);
	m.node_id = 3;
	strlcpy(m.name, "Node_02", sizeof(m.name));
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 409,
	    "add: Name taken: 409 (%s)", why);
	strlcpy(m.name, "Node_03", sizeof(m.name));
	conf_key_from_base64("DG/Lq1bFpE/6109emAoO3iaC+shgWtdRaGBhW3soiSI=",
	    m.pubkey);
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 409,
	    "add: PubKey taken: 409 (%s)", why);
	m.pubkey[0] ^= 1;
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 0, "add: new peer");
	m.op = SUPD_PEER_DEL;
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 404,
	    "del: unknown NodeID: 404 (%s)", why);
	m.node_id = 2;
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 0, "del: NodeID 2");
	m.node_id = NODEID_INVALID;
	conf_key_from_base64("Ev271azq3FXmjhCWtwgVvqe9EN017mijjqMiB9LVQU8=",
	    m.pubkey);
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 0 && m.node_id == 2,
	    "del by key: NodeID found");
	m.node_id = NODEID_INVALID;
	m.pubkey[0] ^= 1;
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 404,
	    "del by unknown key: 404 (%s)", why);
	m.op = SUPD_PEER_UPDATE;
	m.node_id = 9;
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 404,
	    "update: unknown NodeID: 404");
	m.node_id = 1;
	ok(manage_check_conf(c, &m, why, sizeof(why)) == 0, "update: 1");
	conf_free_super(c);
	conf_diags_free(&d);
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_form();
	test_password();
	test_peer_add();
	test_peer_del();
	test_updates();
	test_conf();
	return tap_done();
}
