/*
 * The one way the engine's control messages leave (super mode's
 * Register, Ping and Pong; P2P's Ping and floods): one hop, now, to
 * one peer or flooded to every peer.
 * Frames take the data path instead, which holds them while a session
 * comes up; control messages are repeated by their senders, so one
 * without a session only starts the handshake.
 */
#include <sys/types.h>

#include <string.h>

#include "egd.h"
#include "engine.h"
#include "overlay/ovlmsg.h"
#include "util/log.h"

int
eng_send_control(struct wgh_peer *p, uint8_t usage, uint16_t src,
    uint16_t dst, const uint8_t *msg, size_t len, struct wg_time now)
{
	struct wghost	*h = p->p_host;
	uint8_t		*buf;
	size_t		 n;

	if (len > h->h_bufsize - WG_SEND_BUFLEN(OVL_HDR_LEN))
		fatalx("control message of %zu bytes: too long", len);
	if (!wgh_peer_has_session(p, now)) {
		if (p->p_eplen > 0)
			wgh_initiate(p, now, 0);
		return 0;
	}
	buf = wgh_copybuf(h);
	n = ovl_write_control(buf + WG_TRANSPORT_HEADER, usage, src, dst, msg,
	    len);
	return wgh_send(p, buf, n, now) == 0;
}

int
eng_flood_control(struct wghost *h, struct wgh_peer *except, uint8_t usage,
    uint16_t src, uint8_t ttl, const uint8_t *msg, size_t len,
    struct wg_time now)
{
	struct wgh_peer	*p;
	struct ovl_hdr	 hdr;
	uint8_t		*buf;
	size_t		 i;
	int		 sent = 0;

	if (len > h->h_bufsize - WG_SEND_BUFLEN(OVL_HDR_LEN))
		fatalx("control message of %zu bytes: too long", len);
	memset(&hdr, 0, sizeof(hdr));
	hdr.version = OVL_VERSION;
	hdr.usage = usage;
	hdr.ttl = ttl;
	hdr.dst = NODEID_SPREAD;
	hdr.src = src;
	hdr.len = len;
	for (i = 0; i < h->h_nset; i++) {
		p = h->h_set[i];
		if (p == except)
			continue;
		if (!wgh_peer_has_session(p, now)) {
			if (p->p_eplen > 0)
				wgh_initiate(p, now, 0);
			continue;
		}
		buf = wgh_copybuf(h);
		ovl_write(buf + WG_TRANSPORT_HEADER, &hdr);
		memcpy(buf + WG_TRANSPORT_HEADER + OVL_HDR_LEN, msg, len);
		if (wgh_send(p, buf, OVL_HDR_LEN + len, now) == 0)
			sent++;
	}
	return sent;
}

void
eng_send_ping(struct wghost *h, struct wgh_peer *p, uint16_t me,
    uint32_t seq, struct wg_time now)
{
	struct ovlmsg_ping	 ping;
	struct wgh_peer		*q;
	uint8_t			 buf[64];
	ssize_t			 n;
	size_t			 i;

	ping.src = me;
	ping.seq = seq;
	ping.sent_ns = (int64_t)now.wall;
	if ((n = ovlmsg_ping_encode(&ping, buf, sizeof(buf))) == -1)
		fatalx("Ping encoding");
	for (i = 0; i < h->h_nset; i++) {
		q = h->h_set[i];
		if ((p == NULL || q == p) && q->p_eplen > 0)
			eng_send_control(q, OVL_PING, me, q->p_node_id, buf,
			    n, now);
	}
}

int
eng_ping_latency(const struct ovlmsg_ping *ping, struct wg_time now,
    double *ms)
{
	const int64_t	day = 86400LL * 1000000000LL;
	int64_t		wall = (int64_t)now.wall;

	/* Compared before subtracting: sent_ns is the peer's, any value. */
	if (ping->sent_ns < wall - day || ping->sent_ns > wall + day)
		return -1;
	*ms = (double)(wall - ping->sent_ns) / 1e6;
	return 0;
}
