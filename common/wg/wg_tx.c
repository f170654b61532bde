/*
 * Send path: transport encryption in place, and handshake initiations
 * (on demand, on rekey, from the timers).
 */
#include <stdint.h>
#include <string.h>

#include "wg.h"
#include "wg_var.h"

static int
wg_age_reached(uint64_t birth, uint64_t now, uint64_t age)
{
	return now >= birth && now - birth >= age;
}

/* Whether kp may encrypt now: valid, young enough, counter left. */
static int
wg_keypair_can_send(const struct noise_keypair *kp, uint64_t now)
{
	return kp != NULL && kp->send_valid &&
	    !wg_age_reached(kp->birth, now, WG_REJECT_AFTER_TIME) &&
	    kp->send_counter < WG_REJECT_AFTER_MESSAGES;
}

int
wg_peer_has_session(const struct wg_peer *p, struct wg_time now)
{
	return wg_keypair_can_send(p->p_kp.current, now.mono);
}

int
wg_send_initiation(struct wg_peer *p, struct wg_time now, int retry,
    int force, struct wg_result *res)
{
	struct wg_timers	*t = &p->p_timers;
	struct wg_local		*l = p->p_local;

	if (!retry)
		t->handshake_attempts = 0;
	if (!force && t->sent_handshake &&
	    now.mono < t->last_sent_handshake + WG_REKEY_TIMEOUT)
		return -1;
	if (res->msg_len != 0)
		return -1;
	t->sent_handshake = 1;
	t->last_sent_handshake = now.mono;
	if (noise_create_initiation(l, p, now,
	    (struct wg_msg_initiation *)res->msg) != WG_DROP_NONE)
		return -1;
	cookie_maker_add_macs(&p->p_cookie, res->msg, WG_INITIATION_LEN,
	    now.mono);
	/* Kept to be sent again where an initiation crosses it. */
	memcpy(p->p_init_msg, res->msg, WG_INITIATION_LEN);
	wg_timers_any_authenticated_packet_traversal(p, now.mono);
	wg_timers_any_authenticated_packet_sent(p);
	wg_timers_handshake_initiated(p, now.mono);
	res->msg_len = WG_INITIATION_LEN;
	res->events |= WG_EV_SEND_MSG | WG_EV_HANDSHAKE_SENT;
	wg_count(l, p, WG_C_INITIATION_SENT, 1);
	return 0;
}

int
wg_peer_initiate(struct wg_peer *p, struct wg_time now, int force,
    struct wg_result *res)
{
	wg_result_reset(res);
	res->peer = p;
	return wg_send_initiation(p, now, 0, force, res);
}

enum wg_tx
wg_send(struct wg_peer *p, struct wg_time now, uint8_t *buf, size_t len,
    size_t cap, struct wg_result *res)
{
	struct wg_local		*l = p->p_local;
	struct noise_keypair	*kp = p->p_kp.current;
	struct wg_msg_transport	*hdr = (struct wg_msg_transport *)buf;
	uint8_t			*pt = buf + WG_TRANSPORT_HEADER;
	size_t			 padded;
	uint64_t		 counter;

	wg_result_reset(res);
	res->peer = p;
	if (len > cap || len > SIZE_MAX / 2 || cap < WG_SEND_BUFLEN(len)) {
		res->drop = WG_DROP_TX_NO_ROOM;
		wg_count_drop(l, p, res->drop);
		return WG_TX_ERROR;
	}
	if (!wg_keypair_can_send(kp, now.mono)) {
		/* An exhausted or old keypair stays unusable. */
		if (kp != NULL)
			kp->send_valid = 0;
		wg_count(l, p, WG_C_TX_NEED_HANDSHAKE, 1);
		wg_send_initiation(p, now, 0, 0, res);
		return WG_TX_NEED_HANDSHAKE;
	}

	padded = WG_PADDED_LEN(len);
	memset(pt + len, 0, padded - len);
	counter = kp->send_counter++;
	wg_le32enc(hdr->type, WG_MSG_TRANSPORT);
	wg_le32enc(hdr->receiver, kp->remote_index);
	wg_le64enc(hdr->counter, counter);
	wg_aead_seal(pt, kp->send_key, counter, pt, padded, NULL, 0);
	res->wire_len = WG_TRANSPORT_HEADER + padded + WG_TAG_LEN;

	wg_timers_any_authenticated_packet_traversal(p, now.mono);
	wg_timers_any_authenticated_packet_sent(p);
	if (len > 0) {
		wg_timers_data_sent(p, now.mono);
		wg_count(l, p, WG_C_TX_DATA, 1);
		wg_count(l, p, WG_C_TX_BYTES, len);
	} else
		wg_count(l, p, WG_C_TX_KEEPALIVE, 1);

	/* Keep the key fresh: the initiator rekeys by age, both by use. */
	if (kp->send_counter > WG_REKEY_AFTER_MESSAGES ||
	    (kp->initiator &&
	    wg_age_reached(kp->birth, now.mono, WG_REKEY_AFTER_TIME)))
		wg_send_initiation(p, now, 0, 0, res);
	return WG_TX_OK;
}
