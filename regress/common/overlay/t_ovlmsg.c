/*
 * Control message encodings: round trips, exact lengths, every
 * truncation, and values out of range refused.
 */
#include <sys/types.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "overlay/ovlmsg.h"
#include "regress/lib/tap.h"

/* Every strict prefix of a valid message must be refused. */
#define TRUNCATIONS(type, dec, buf, n) ({				\
	struct type _m;							\
	ssize_t _i;							\
	int _all = 1;							\
									\
	for (_i = 0; _i < (n); _i++)					\
		if (dec(buf, _i, &_m) != -1)				\
			_all = 0;					\
	_all;								\
})

int
main(void)
{
	struct ovlmsg_register	 reg, reg2;
	struct ovlmsg_ping	 ping, ping2;
	struct ovlmsg_pong	 pong, pong2;
	struct ovlmsg_update	 up, up2;
	struct ovlmsg_querypeer	 qp, qp2;
	struct ovlmsg_bcastpeer	 bp, bp2;
	uint8_t			 buf[512], big[600];
	ssize_t			 n;
	double			 nan = NAN;

	memset(&reg, 0, sizeof(reg));
	reg.node_id = 42;
	strlcpy(reg.swver, "egd 1.0", sizeof(reg.swver));
	memset(reg.hash[OVLMSG_NHTABLE], 0xab, OVLMSG_HASH_LEN);
	n = ovlmsg_register_encode(&reg, buf, sizeof(buf));
	ok(n == 4 + 1 + 7 + 96, "register is %zd bytes", n);
	ok(ovlmsg_register_decode(buf, n, &reg2) == 0 &&
	    memcmp(&reg, &reg2, sizeof(reg)) == 0, "register round trip");
	ok(TRUNCATIONS(ovlmsg_register, ovlmsg_register_decode, buf, n),
	    "every truncated register is refused");
	memcpy(big, buf, n);
	big[n] = 0;
	ok(ovlmsg_register_decode(big, n + 1, &reg2) == -1,
	    "trailing byte refused");
	buf[0] = 2;
	ok(ovlmsg_register_decode(buf, n, &reg2) == -1,
	    "other version refused");
	buf[0] = OVLMSG_VERSION;
	buf[5] = '\n';
	ok(ovlmsg_register_decode(buf, n, &reg2) == -1,
	    "control character in the version string refused");
	memset(reg.swver, 'x', sizeof(reg.swver));
	reg.swver[OVLMSG_SWVER_MAX] = '\0';
	ok(ovlmsg_register_encode(&reg, buf, 10) == -1,
	    "encoding into too small a buffer fails");

	ping.src = 7;
	ping.seq = 0xdeadbeef;
	ping.sent_ns = -5;
	n = ovlmsg_ping_encode(&ping, buf, sizeof(buf));
	ok(n == 16 && ovlmsg_ping_decode(buf, n, &ping2) == 0 &&
	    ping2.src == 7 && ping2.seq == 0xdeadbeef && ping2.sent_ns == -5,
	    "ping round trip (16 bytes)");
	ok(TRUNCATIONS(ovlmsg_ping, ovlmsg_ping_decode, buf, n),
	    "every truncated ping is refused");

	memset(&pong, 0, sizeof(pong));
	pong.src = 1;
	pong.dst = 2;
	pong.seq = 3;
	pong.latency_ms = -0.25;
	pong.lifetime_s = 70;
	pong.additional_cost = 10;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(n == 36 && ovlmsg_pong_decode(buf, n, &pong2) == 0 &&
	    memcmp(&pong, &pong2, sizeof(pong)) == 0,
	    "pong round trip, negative latency kept");
	ok(TRUNCATIONS(ovlmsg_pong, ovlmsg_pong_decode, buf, n),
	    "every truncated pong is refused");
	pong.latency_ms = nan;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(ovlmsg_pong_decode(buf, n, &pong2) == -1, "NaN latency refused");
	pong.latency_ms = 1;
	pong.lifetime_s = -1;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(ovlmsg_pong_decode(buf, n, &pong2) == -1,
	    "negative lifetime refused");
	/* What egd's route stops at: a void sample, a reserved NodeID. */
	pong.lifetime_s = 0;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(ovlmsg_pong_decode(buf, n, &pong2) == -1,
	    "a lifetime of 0 refused");
	pong.lifetime_s = 1;
	pong.src = 65533;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(ovlmsg_pong_decode(buf, n, &pong2) == -1,
	    "a link from a reserved NodeID refused");
	pong.src = 1;
	pong.dst = 65535;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(ovlmsg_pong_decode(buf, n, &pong2) == -1,
	    "a link to a reserved NodeID refused");
	pong.dst = 2;
	pong.lifetime_s = 1;
	pong.dst = pong.src;
	n = ovlmsg_pong_encode(&pong, buf, sizeof(buf));
	ok(ovlmsg_pong_decode(buf, n, &pong2) == -1,
	    "a link from a node to itself refused");

	memset(&up, 0, sizeof(up));
	up.action = OVLMSG_SHUTDOWN;
	up.reason = OVLMSG_R_DELETED;
	strlcpy(up.text, "deleted by the administrator", sizeof(up.text));
	n = ovlmsg_update_encode(&up, buf, sizeof(buf));
	ok(ovlmsg_update_decode(buf, n, &up2) == 0 &&
	    memcmp(&up, &up2, sizeof(up)) == 0, "shutdown round trip");
	ok(TRUNCATIONS(ovlmsg_update, ovlmsg_update_decode, buf, n),
	    "every truncated update is refused");
	up.reason = OVLMSG_R_NONE;
	n = ovlmsg_update_encode(&up, buf, sizeof(buf));
	ok(ovlmsg_update_decode(buf, n, &up2) == -1,
	    "shutdown without a reason refused");
	up.action = OVLMSG_UPDATE;
	n = ovlmsg_update_encode(&up, buf, sizeof(buf));
	ok(ovlmsg_update_decode(buf, n, &up2) == 0, "update without reason");
	up.action = 9;
	n = ovlmsg_update_encode(&up, buf, sizeof(buf));
	ok(ovlmsg_update_decode(buf, n, &up2) == -1, "unknown action refused");

	qp.requester = 6;
	qp.nonce = 0x01020304;
	n = ovlmsg_querypeer_encode(&qp, buf, sizeof(buf));
	ok(n == 8 && ovlmsg_querypeer_decode(buf, n, &qp2) == 0 &&
	    qp2.requester == 6 && qp2.nonce == 0x01020304,
	    "querypeer round trip (8 bytes)");
	ok(TRUNCATIONS(ovlmsg_querypeer, ovlmsg_querypeer_decode, buf, n),
	    "every truncated querypeer is refused");
	qp.requester = 65534;
	n = ovlmsg_querypeer_encode(&qp, buf, sizeof(buf));
	ok(ovlmsg_querypeer_decode(buf, n, &qp2) == -1,
	    "querypeer from a reserved NodeID refused");

	memset(&bp, 0, sizeof(bp));
	bp.node_id = 3;
	bp.query_id = 6;
	memset(bp.pubkey, 0x5a, sizeof(bp.pubkey));
	bp.af = OVLMSG_AF_INET6;
	memset(bp.addr, 0xfd, sizeof(bp.addr));
	bp.port = 3003;
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(n == 8 + 32 + 16 && ovlmsg_bcastpeer_decode(buf, n, &bp2) == 0 &&
	    memcmp(&bp, &bp2, sizeof(bp)) == 0,
	    "broadcastpeer round trip, IPv6 (56 bytes)");
	ok(TRUNCATIONS(ovlmsg_bcastpeer, ovlmsg_bcastpeer_decode, buf, n),
	    "every truncated broadcastpeer is refused");
	memset(bp.addr, 0, sizeof(bp.addr));
	bp.af = OVLMSG_AF_INET;
	bp.addr[0] = 10;
	bp.addr[3] = 7;
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(n == 8 + 32 + 4 && ovlmsg_bcastpeer_decode(buf, n, &bp2) == 0 &&
	    memcmp(&bp, &bp2, sizeof(bp)) == 0,
	    "broadcastpeer round trip, IPv4 (44 bytes)");
	memcpy(big, buf, n);
	big[n] = 0;
	ok(ovlmsg_bcastpeer_decode(big, n + 1, &bp2) == -1,
	    "broadcastpeer with a trailing byte refused");
	buf[1] = 3;
	ok(ovlmsg_bcastpeer_decode(buf, n, &bp2) == -1,
	    "unknown address family refused");
	bp.af = OVLMSG_AF_NONE;
	memset(bp.addr, 0, sizeof(bp.addr));
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(n == 40 && ovlmsg_bcastpeer_decode(buf, n, &bp2) == -1,
	    "no endpoint with a port refused");
	bp.port = 0;
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(ovlmsg_bcastpeer_decode(buf, n, &bp2) == 0 && bp2.af == 0,
	    "broadcastpeer without an endpoint");
	bp.af = OVLMSG_AF_INET;
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(ovlmsg_bcastpeer_decode(buf, n, &bp2) == -1,
	    "an endpoint without a port refused");
	bp.af = OVLMSG_AF_NONE;
	bp.node_id = 65535;
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(ovlmsg_bcastpeer_decode(buf, n, &bp2) == -1,
	    "a reserved NodeID refused");
	bp.node_id = 3;
	bp.query_id = 65533;
	n = ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf));
	ok(ovlmsg_bcastpeer_decode(buf, n, &bp2) == -1,
	    "a reserved queryID refused");
	bp.af = 7;
	ok(ovlmsg_bcastpeer_encode(&bp, buf, sizeof(buf)) == -1,
	    "encoding an unknown family fails");
	return tap_done();
}
