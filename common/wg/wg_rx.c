/*
 * Receive path: classifies a datagram, checks it and consumes it.
 */
#include <string.h>

#include "wg.h"
#include "wg_var.h"

static enum wg_rx
wg_rx_drop(struct wg_local *l, struct wg_peer *p, struct wg_result *res,
    enum wg_drop why)
{
	res->peer = p;
	res->drop = why;
	wg_count_drop(l, p, why);
	return WG_RX_DROP;
}

/* Initiation: authenticate, answer, and file the new (next) keypair. */
static enum wg_rx
wg_rx_initiation(struct wg_local *l, struct wg_time now, const uint8_t *buf,
    struct wg_result *res)
{
	struct wg_peer	*p;
	enum wg_drop	 why;

	why = noise_consume_initiation(l,
	    (const struct wg_msg_initiation *)buf, now, &p);
	if (why == WG_DROP_CROSSING) {
		/*
		 * The peer's initiation gives way to ours, but ours may
		 * never have reached it: between NATs, the first datagram
		 * each side sends is dropped by the other's NAT, which
		 * opens only once that side has sent.  Send ours again, the
		 * same bytes, to where the peer's came from (authenticated:
		 * its endpoint now).  If the first copy did arrive, the
		 * peer drops this one as a replay.
		 */
		memcpy(res->msg, p->p_init_msg, WG_INITIATION_LEN);
		res->msg_len = WG_INITIATION_LEN;
		res->events |= WG_EV_SEND_MSG | WG_EV_ENDPOINT;
		return wg_rx_drop(l, p, res, why);
	}
	if (why != WG_DROP_NONE)
		return wg_rx_drop(l, p, res, why);
	wg_count(l, p, WG_C_INITIATION_RECV, 1);
	if ((why = noise_create_response(l, p,
	    (struct wg_msg_response *)res->msg)) != WG_DROP_NONE)
		return wg_rx_drop(l, p, res, why);
	cookie_maker_add_macs(&p->p_cookie, res->msg, WG_RESPONSE_LEN,
	    now.mono);
	if ((why = noise_begin_session(l, p, now.mono)) != WG_DROP_NONE)
		return wg_rx_drop(l, p, res, why);

	wg_timers_session_derived(p, now.mono);
	wg_timers_any_authenticated_packet_traversal(p, now.mono);
	wg_timers_any_authenticated_packet_sent(p);
	p->p_timers.sent_handshake = 1;
	p->p_timers.last_sent_handshake = now.mono;
	wg_timers_any_authenticated_packet_received(p);

	res->peer = p;
	res->msg_len = WG_RESPONSE_LEN;
	res->events |= WG_EV_SEND_MSG | WG_EV_ENDPOINT;
	wg_count(l, p, WG_C_RESPONSE_SENT, 1);
	return WG_RX_HANDSHAKE;
}

/* Response: the session is ours to use at once. */
static enum wg_rx
wg_rx_response(struct wg_local *l, struct wg_time now, const uint8_t *buf,
    struct wg_result *res)
{
	struct wg_peer	*p;
	enum wg_drop	 why;

	why = noise_consume_response(l, (const struct wg_msg_response *)buf,
	    &p);
	if (why != WG_DROP_NONE)
		return wg_rx_drop(l, p, res, why);
	wg_count(l, p, WG_C_RESPONSE_RECV, 1);
	if ((why = noise_begin_session(l, p, now.mono)) != WG_DROP_NONE)
		return wg_rx_drop(l, p, res, why);

	wg_timers_session_derived(p, now.mono);
	wg_timers_handshake_complete(p, now);
	wg_timers_any_authenticated_packet_received(p);
	wg_timers_any_authenticated_packet_traversal(p, now.mono);

	/* Confirm the session to the responder with data or a keepalive. */
	res->peer = p;
	res->events |= WG_EV_SESSION_INITIATOR | WG_EV_KEYPAIR_ROTATED |
	    WG_EV_KEEPALIVE | WG_EV_ENDPOINT;
	wg_count(l, p, WG_C_SESSIONS, 1);
	return WG_RX_HANDSHAKE;
}

/*
 * What a handshake message may cost, cheapest check first: mac1 (one
 * hash), the index a response names; then the guard (wg_guard.h):
 * under load, a cookie unless mac2 proves the source, and the source's
 * rate; last, the process's budget of Diffie-Hellman work.
 */
static enum wg_rx
wg_rx_handshake(struct wg_local *l, struct wg_time now,
    const struct wg_addr *from, uint8_t *buf, size_t len,
    struct wg_result *res)
{
	struct wg_guard	*g = l->l_guard;
	struct wg_peer	*p = NULL;
	struct wg_addr	 src;
	enum wg_drop	 why;
	int		 under_load;

	if (from != NULL)
		src = *from;
	else
		memset(&src, 0, sizeof(src));
	if (src.len > WG_ADDR_MAX)
		src.len = WG_ADDR_MAX;
	if (src.host_len > src.len)
		src.host_len = src.len;

	if (cookie_checker_validate(&l->l_cookie, buf, len, &src, now.mono, 0,
	    &l->l_rng) == COOKIE_MAC_INVALID)
		return wg_rx_drop(l, NULL, res, WG_DROP_BAD_MAC1);
	if (buf[0] == WG_MSG_RESPONSE && (why = noise_response_peer(l,
	    (const struct wg_msg_response *)buf, &p)) != WG_DROP_NONE)
		return wg_rx_drop(l, p, res, why);
	under_load = wg_guard_arrival(g, now.mono) || l->l_under_load;
	if (under_load) {
		if (!cookie_checker_mac2(&l->l_cookie, buf, len, &src,
		    now.mono, &l->l_rng)) {
			if (!wg_guard_cookie(g, now.mono))
				return wg_rx_drop(l, NULL, res,
				    WG_DROP_COOKIE_BUDGET);
			/* Both message types carry their sender at 4. */
			cookie_checker_create_reply(&l->l_cookie,
			    (struct wg_msg_cookie *)res->msg,
			    wg_le32dec(buf + 4), buf, len, &src, now.mono,
			    &l->l_rng);
			res->msg_len = WG_COOKIE_REPLY_LEN;
			res->events |= WG_EV_SEND_MSG;
			wg_count(l, NULL, WG_C_COOKIE_SENT, 1);
			return wg_rx_drop(l, NULL, res,
			    WG_DROP_COOKIE_REQUIRED);
		}
		if (!wg_ratelimit_allow(&l->l_ratelimit, src.bytes,
		    src.host_len, now.mono))
			return wg_rx_drop(l, NULL, res, WG_DROP_RATELIMITED);
	}
	if (!wg_guard_dh(g, now.mono))
		return wg_rx_drop(l, p, res, WG_DROP_DH_BUDGET);
	if (buf[0] == WG_MSG_INITIATION)
		return wg_rx_initiation(l, now, buf, res);
	return wg_rx_response(l, now, buf, res);
}

static enum wg_rx
wg_rx_cookie(struct wg_local *l, struct wg_time now, const uint8_t *buf,
    struct wg_result *res)
{
	const struct wg_msg_cookie	*m = (const struct wg_msg_cookie *)buf;
	struct wg_index_entry		*e;
	struct wg_peer			*p;

	if ((e = wg_index_lookup(&l->l_index, wg_le32dec(m->receiver))) ==
	    NULL)
		return wg_rx_drop(l, NULL, res, WG_DROP_UNKNOWN_INDEX);
	p = e->peer;
	if (!p->p_cookie.have_last_mac1)
		return wg_rx_drop(l, p, res, WG_DROP_UNEXPECTED);
	if (cookie_maker_consume_reply(&p->p_cookie, m, now.mono) != 0)
		return wg_rx_drop(l, p, res, WG_DROP_BAD_COOKIE);
	res->peer = p;
	wg_count(l, p, WG_C_COOKIE_RECV, 1);
	return WG_RX_COOKIE;
}

static enum wg_rx
wg_rx_transport(struct wg_local *l, struct wg_time now, uint8_t *buf,
    size_t len, struct wg_result *res)
{
	const struct wg_msg_transport	*m;
	struct wg_index_entry		*e;
	struct noise_keypair		*kp, *cur;
	struct wg_peer			*p;
	struct wg_timers		*t;
	uint64_t			 counter;
	size_t				 plen;

	m = (const struct wg_msg_transport *)buf;
	e = wg_index_lookup(&l->l_index, wg_le32dec(m->receiver));
	if (e == NULL || e->keypair == NULL)
		return wg_rx_drop(l, NULL, res, WG_DROP_UNKNOWN_INDEX);
	kp = e->keypair;
	p = e->peer;
	t = &p->p_timers;
	if (!kp->recv_valid ||
	    (now.mono >= kp->birth &&
	    now.mono - kp->birth >= WG_REJECT_AFTER_TIME) ||
	    kp->recv_replay.top >= WG_REJECT_AFTER_MESSAGES) {
		kp->recv_valid = 0;
		return wg_rx_drop(l, p, res, WG_DROP_EXPIRED_KEYPAIR);
	}
	counter = wg_le64dec(m->counter);
	switch (wg_replay_check(&kp->recv_replay, counter)) {
	case WG_REPLAY_OK:
		break;
	case WG_REPLAY_DUPLICATE:
		return wg_rx_drop(l, p, res, WG_DROP_REPLAY);
	case WG_REPLAY_TOO_OLD:
		return wg_rx_drop(l, p, res, WG_DROP_TOO_OLD);
	case WG_REPLAY_LIMIT:
		return wg_rx_drop(l, p, res, WG_DROP_COUNTER_LIMIT);
	}
	plen = len - WG_TRANSPORT_HEADER;
	if (wg_aead_open(buf + WG_TRANSPORT_HEADER, kp->recv_key, counter,
	    buf + WG_TRANSPORT_HEADER, plen, NULL, 0) != 0)
		return wg_rx_drop(l, p, res, WG_DROP_BAD_TAG);
	wg_replay_update(&kp->recv_replay, counter);
	res->peer = p;
	res->events |= WG_EV_ENDPOINT;

	/* The responder's next keypair is confirmed by its first use. */
	if (noise_received_with(l, p, kp)) {
		wg_timers_handshake_complete(p, now);
		res->events |= WG_EV_SESSION_RESPONDER |
		    WG_EV_KEYPAIR_ROTATED | WG_EV_FLUSH;
		wg_count(l, p, WG_C_SESSIONS, 1);
	}

	/* Initiator: rekey before the session dies under our feet. */
	cur = p->p_kp.current;
	if (!t->sent_lastminute_handshake && cur != NULL && cur->send_valid &&
	    cur->initiator && now.mono >= cur->birth &&
	    now.mono - cur->birth >= WG_REJECT_AFTER_TIME -
	    WG_KEEPALIVE_TIMEOUT - WG_REKEY_TIMEOUT) {
		t->sent_lastminute_handshake = 1;
		wg_send_initiation(p, now, 0, 0, res);
	}

	wg_timers_any_authenticated_packet_received(p);
	wg_timers_any_authenticated_packet_traversal(p, now.mono);
	res->data = buf + WG_TRANSPORT_HEADER;
	res->data_len = plen - WG_TAG_LEN;
	if (res->data_len == 0) {
		wg_count(l, p, WG_C_RX_KEEPALIVE, 1);
		return WG_RX_KEEPALIVE;
	}
	wg_timers_data_received(p, now.mono);
	wg_count(l, p, WG_C_RX_DATA, 1);
	wg_count(l, p, WG_C_RX_BYTES, res->data_len);
	return WG_RX_DATA;
}

enum wg_rx
wg_receive(struct wg_local *l, struct wg_time now, const struct wg_addr *src,
    uint8_t *buf, size_t len, struct wg_result *res)
{
	static const size_t	need[] = {
		[WG_MSG_INITIATION] = WG_INITIATION_LEN,
		[WG_MSG_RESPONSE] = WG_RESPONSE_LEN,
		[WG_MSG_COOKIE] = WG_COOKIE_REPLY_LEN,
		[WG_MSG_TRANSPORT] = WG_TRANSPORT_MIN,
	};
	uint8_t			type;

	wg_result_reset(res);
	if (len < 4)
		return wg_rx_drop(l, NULL, res, WG_DROP_TRUNCATED);
	type = buf[0];
	if (type < WG_MSG_INITIATION || type > WG_MSG_TRANSPORT)
		return wg_rx_drop(l, NULL, res, WG_DROP_BAD_TYPE);
	if (buf[1] != 0 || buf[2] != 0 || buf[3] != 0)
		return wg_rx_drop(l, NULL, res, WG_DROP_BAD_RESERVED);
	if (len < need[type])
		return wg_rx_drop(l, NULL, res, WG_DROP_TRUNCATED);
	if (type != WG_MSG_TRANSPORT && len != need[type])
		return wg_rx_drop(l, NULL, res, WG_DROP_BAD_LENGTH);

	switch (type) {
	case WG_MSG_INITIATION:
	case WG_MSG_RESPONSE:
		return wg_rx_handshake(l, now, src, buf, len, res);
	case WG_MSG_COOKIE:
		return wg_rx_cookie(l, now, buf, res);
	default:
		return wg_rx_transport(l, now, buf, len, res);
	}
}
