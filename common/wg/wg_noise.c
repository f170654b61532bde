/*
 * WireGuard handshake (Noise_IKpsk2) and keypair rotation.  Names of
 * the steps follow the Noise pattern: e, es, s, ss, {t} for the
 * initiation; e, ee, se, psk, {} for the response.
 */
#include <string.h>

#include <sodium.h>

#include "wg_crypto.h"
#include "wg_noise.h"
#include "wg_var.h"

void
noise_init_constants(uint8_t ck0[WG_HASH_LEN], uint8_t h0[WG_HASH_LEN])
{
	wg_hash2(ck0, WG_CONSTRUCTION, strlen(WG_CONSTRUCTION), NULL, 0);
	wg_hash2(h0, ck0, WG_HASH_LEN, WG_IDENTIFIER, strlen(WG_IDENTIFIER));
}

static void
mix_hash(uint8_t h[WG_HASH_LEN], const uint8_t *in, size_t len)
{
	wg_hash2(h, h, WG_HASH_LEN, in, len);
}

/* e: the ephemeral public key enters both the hash and the chain. */
static void
mix_ephemeral(uint8_t ck[WG_HASH_LEN], uint8_t h[WG_HASH_LEN],
    const uint8_t e[WG_KEY_LEN])
{
	mix_hash(h, e, WG_KEY_LEN);
	wg_kdf(ck, NULL, NULL, ck, e, WG_KEY_LEN);
}

/* (ck, k) = KDF2(ck, DH(priv, pub)), or ck = KDF1 when k is NULL. */
static int
mix_dh(uint8_t ck[WG_HASH_LEN], uint8_t *k, const uint8_t priv[WG_KEY_LEN],
    const uint8_t pub[WG_KEY_LEN])
{
	uint8_t	dh[WG_KEY_LEN];

	if (wg_dh(dh, priv, pub) != 0)
		return -1;
	wg_kdf(ck, k, NULL, ck, dh, sizeof(dh));
	sodium_memzero(dh, sizeof(dh));
	return 0;
}

/* (ck, tau, k) = KDF3(ck, psk); h = HASH(h || tau). */
static void
mix_psk(uint8_t ck[WG_HASH_LEN], uint8_t h[WG_HASH_LEN],
    uint8_t k[WG_KEY_LEN], const uint8_t psk[WG_KEY_LEN])
{
	uint8_t	tau[WG_HASH_LEN];

	wg_kdf(ck, tau, k, ck, psk, WG_KEY_LEN);
	mix_hash(h, tau, sizeof(tau));
	sodium_memzero(tau, sizeof(tau));
}

static void
seal_hash(uint8_t *dst, const uint8_t *src, size_t len,
    const uint8_t k[WG_KEY_LEN], uint8_t h[WG_HASH_LEN])
{
	wg_aead_seal(dst, k, 0, src, len, h, WG_HASH_LEN);
	mix_hash(h, dst, len + WG_TAG_LEN);
}

static int
open_hash(uint8_t *dst, const uint8_t *src, size_t len,
    const uint8_t k[WG_KEY_LEN], uint8_t h[WG_HASH_LEN])
{
	if (wg_aead_open(dst, k, 0, src, len, h, WG_HASH_LEN) != 0)
		return -1;
	mix_hash(h, src, len);
	return 0;
}

/* A fresh ephemeral key pair from the caller's random source. */
static int
noise_ephemeral_new(struct wg_local *l, uint8_t priv[WG_KEY_LEN],
    uint8_t pub[WG_KEY_LEN])
{
	wg_rng_bytes(&l->l_rng, priv, WG_KEY_LEN);
	wg_clamp(priv);
	return wg_pubkey(pub, priv);
}

/* Files a new random receiver index for the peer's handshake or kp. */
static int
noise_index_new(struct wg_local *l, struct wg_peer *p,
    struct noise_keypair *kp, uint32_t *idx)
{
	int	tries;

	for (tries = 0; tries < 32; tries++) {
		wg_rng_bytes(&l->l_rng, idx, sizeof(*idx));
		if (wg_index_insert(&l->l_index, *idx, p, kp) == 0)
			return 0;
	}
	return -1;
}

void
noise_handshake_clear(struct wg_local *l, struct wg_peer *p)
{
	struct noise_handshake	*hs = &p->p_hs;

	if (hs->has_index)
		wg_index_remove(&l->l_index, hs->local_index);
	hs->has_index = 0;
	hs->local_index = 0;
	hs->remote_index = 0;
	sodium_memzero(hs->e_priv, sizeof(hs->e_priv));
	sodium_memzero(hs->e_remote, sizeof(hs->e_remote));
	sodium_memzero(hs->hash, sizeof(hs->hash));
	sodium_memzero(hs->ck, sizeof(hs->ck));
	hs->state = NOISE_ZEROED;
}

enum wg_drop
noise_create_initiation(struct wg_local *l, struct wg_peer *p,
    struct wg_time now, struct wg_msg_initiation *m)
{
	struct noise_handshake	*hs = &p->p_hs;
	uint8_t			 ck[WG_HASH_LEN], h[WG_HASH_LEN];
	uint8_t			 k[WG_KEY_LEN], ts[WG_TIMESTAMP_LEN];
	enum wg_drop		 rv = WG_DROP_BAD_HANDSHAKE;
	uint32_t		 idx;

	noise_handshake_clear(l, p);
	memcpy(ck, l->l_ck0, sizeof(ck));
	memcpy(h, p->p_h0, sizeof(h));

	/* e */
	if (noise_ephemeral_new(l, hs->e_priv, m->ephemeral) != 0)
		goto out;
	mix_ephemeral(ck, h, m->ephemeral);
	/* es */
	if (mix_dh(ck, k, hs->e_priv, p->p_pub) != 0)
		goto out;
	/* s */
	seal_hash(m->enc_static, l->l_pub, WG_KEY_LEN, k, h);
	/* ss, computed once when the peer was added */
	wg_kdf(ck, k, NULL, ck, p->p_ss, sizeof(p->p_ss));
	/* {t} */
	wg_tai64n(ts, now.wall);
	seal_hash(m->enc_timestamp, ts, sizeof(ts), k, h);

	if (noise_index_new(l, p, NULL, &idx) != 0) {
		rv = WG_DROP_NO_MEMORY;
		goto out;
	}
	wg_le32enc(m->type, WG_MSG_INITIATION);
	wg_le32enc(m->sender, idx);
	hs->has_index = 1;
	hs->local_index = idx;
	memcpy(hs->ck, ck, sizeof(ck));
	memcpy(hs->hash, h, sizeof(h));
	hs->state = NOISE_CREATED_INITIATION;
	rv = WG_DROP_NONE;
out:
	if (rv != WG_DROP_NONE)
		noise_handshake_clear(l, p);
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(k, sizeof(k));
	return rv;
}

enum wg_drop
noise_consume_initiation(struct wg_local *l, const struct wg_msg_initiation *m,
    struct wg_time now, struct wg_peer **peerp)
{
	struct noise_handshake	*hs;
	struct wg_peer		 key, *p;
	uint8_t			 ck[WG_HASH_LEN], h[WG_HASH_LEN];
	uint8_t			 k[WG_KEY_LEN], ts[WG_TIMESTAMP_LEN];
	enum wg_drop		 rv = WG_DROP_BAD_HANDSHAKE;

	*peerp = NULL;
	memcpy(ck, l->l_ck0, sizeof(ck));
	memcpy(h, l->l_hself, sizeof(h));

	/* e */
	mix_ephemeral(ck, h, m->ephemeral);
	/* es */
	if (mix_dh(ck, k, l->l_priv, m->ephemeral) != 0)
		goto out;
	/* s */
	if (open_hash(key.p_pub, m->enc_static, sizeof(m->enc_static), k,
	    h) != 0)
		goto out;
	if ((p = RB_FIND(wg_peer_tree, &l->l_peers, &key)) == NULL) {
		rv = WG_DROP_UNKNOWN_PEER;
		goto out;
	}
	*peerp = p;
	hs = &p->p_hs;
	/* ss */
	wg_kdf(ck, k, NULL, ck, p->p_ss, sizeof(p->p_ss));
	/* {t} */
	if (open_hash(ts, m->enc_timestamp, sizeof(m->enc_timestamp), k,
	    h) != 0)
		goto out;

	/* Replays carry an old timestamp; floods come too fast. */
	if (memcmp(ts, hs->latest_timestamp, sizeof(ts)) <= 0) {
		rv = WG_DROP_OLD_TIMESTAMP;
		goto out;
	}
	if (hs->last_initiation_consumed != 0 &&
	    now.mono < hs->last_initiation_consumed +
	    WG_SEC / WG_INITIATIONS_PER_SECOND) {
		rv = WG_DROP_FLOOD;
		goto out;
	}

	/*
	 * Both sides initiating at once (both had a packet to send)
	 * would each abandon its own initiation for the other's, leave
	 * both sessions unconfirmed, and stall until a retry 5 s later.
	 * Where the two initiations cross (ours is less than a second
	 * old), the one from the greater public key goes on: the other
	 * side still answers it as WireGuard does (wg_rx.c sends ours
	 * again, in case the other side's NAT dropped it).  Otherwise
	 * ours is abandoned, as WireGuard does.
	 */
	if (hs->state == NOISE_CREATED_INITIATION &&
	    p->p_timers.sent_handshake &&
	    now.mono < p->p_timers.last_sent_handshake + WG_SEC &&
	    memcmp(l->l_pub, p->p_pub, WG_KEY_LEN) > 0) {
		memcpy(hs->latest_timestamp, ts, sizeof(ts));
		rv = WG_DROP_CROSSING;
		goto out;
	}
	noise_handshake_clear(l, p);
	memcpy(hs->e_remote, m->ephemeral, WG_KEY_LEN);
	memcpy(hs->latest_timestamp, ts, sizeof(ts));
	memcpy(hs->hash, h, sizeof(h));
	memcpy(hs->ck, ck, sizeof(ck));
	hs->remote_index = wg_le32dec(m->sender);
	if (now.mono > hs->last_initiation_consumed)
		hs->last_initiation_consumed = now.mono;
	hs->state = NOISE_CONSUMED_INITIATION;
	rv = WG_DROP_NONE;
out:
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(k, sizeof(k));
	return rv;
}

enum wg_drop
noise_create_response(struct wg_local *l, struct wg_peer *p,
    struct wg_msg_response *m)
{
	struct noise_handshake	*hs = &p->p_hs;
	uint8_t			 k[WG_KEY_LEN];
	enum wg_drop		 rv = WG_DROP_BAD_HANDSHAKE;
	uint32_t		 idx;

	if (hs->state != NOISE_CONSUMED_INITIATION)
		return WG_DROP_UNEXPECTED;

	/* e */
	if (noise_ephemeral_new(l, hs->e_priv, m->ephemeral) != 0)
		goto out;
	mix_ephemeral(hs->ck, hs->hash, m->ephemeral);
	/* ee */
	if (mix_dh(hs->ck, NULL, hs->e_priv, hs->e_remote) != 0)
		goto out;
	/* se */
	if (mix_dh(hs->ck, NULL, hs->e_priv, p->p_pub) != 0)
		goto out;
	/* psk */
	mix_psk(hs->ck, hs->hash, k, p->p_psk);
	/* {} */
	seal_hash(m->enc_empty, NULL, 0, k, hs->hash);

	if (noise_index_new(l, p, NULL, &idx) != 0) {
		rv = WG_DROP_NO_MEMORY;
		goto out;
	}
	wg_le32enc(m->type, WG_MSG_RESPONSE);
	wg_le32enc(m->sender, idx);
	wg_le32enc(m->receiver, hs->remote_index);
	hs->has_index = 1;
	hs->local_index = idx;
	hs->state = NOISE_CREATED_RESPONSE;
	rv = WG_DROP_NONE;
out:
	if (rv != WG_DROP_NONE)
		noise_handshake_clear(l, p);
	sodium_memzero(k, sizeof(k));
	return rv;
}

enum wg_drop
noise_response_peer(struct wg_local *l, const struct wg_msg_response *m,
    struct wg_peer **peerp)
{
	struct wg_index_entry	*e;
	struct wg_peer		*p;
	uint32_t		 idx = wg_le32dec(m->receiver);

	*peerp = NULL;
	if ((e = wg_index_lookup(&l->l_index, idx)) == NULL)
		return WG_DROP_UNKNOWN_INDEX;
	if (e->keypair != NULL)
		return WG_DROP_UNEXPECTED;
	p = *peerp = e->peer;
	if (p->p_hs.state != NOISE_CREATED_INITIATION ||
	    p->p_hs.local_index != idx)
		return WG_DROP_UNEXPECTED;
	return WG_DROP_NONE;
}

enum wg_drop
noise_consume_response(struct wg_local *l, const struct wg_msg_response *m,
    struct wg_peer **peerp)
{
	struct noise_handshake	*hs;
	struct wg_peer		*p;
	uint8_t			 ck[WG_HASH_LEN], h[WG_HASH_LEN];
	uint8_t			 k[WG_KEY_LEN];
	enum wg_drop		 rv = WG_DROP_BAD_HANDSHAKE;

	if ((rv = noise_response_peer(l, m, peerp)) != WG_DROP_NONE)
		return rv;
	rv = WG_DROP_BAD_HANDSHAKE;
	p = *peerp;
	hs = &p->p_hs;
	memcpy(ck, hs->ck, sizeof(ck));
	memcpy(h, hs->hash, sizeof(h));

	/* e */
	mix_ephemeral(ck, h, m->ephemeral);
	/* ee */
	if (mix_dh(ck, NULL, hs->e_priv, m->ephemeral) != 0)
		goto out;
	/* se */
	if (mix_dh(ck, NULL, l->l_priv, m->ephemeral) != 0)
		goto out;
	/* psk */
	mix_psk(ck, h, k, p->p_psk);
	/* {} */
	if (open_hash(NULL, m->enc_empty, sizeof(m->enc_empty), k, h) != 0)
		goto out;

	memcpy(hs->e_remote, m->ephemeral, WG_KEY_LEN);
	memcpy(hs->hash, h, sizeof(h));
	memcpy(hs->ck, ck, sizeof(ck));
	hs->remote_index = wg_le32dec(m->sender);
	hs->state = NOISE_CONSUMED_RESPONSE;
	rv = WG_DROP_NONE;
out:
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(h, sizeof(h));
	sodium_memzero(k, sizeof(k));
	return rv;
}

/* Forgets a keypair: its index goes, its keys are wiped. */
static void
noise_keypair_drop(struct wg_local *l, struct noise_keypair *kp)
{
	if (kp == NULL)
		return;
	if (kp->in_use)
		wg_index_remove(&l->l_index, kp->local_index);
	sodium_memzero(kp, sizeof(*kp));
}

enum wg_drop
noise_begin_session(struct wg_local *l, struct wg_peer *p, uint64_t now)
{
	struct noise_handshake	*hs = &p->p_hs;
	struct noise_keypairs	*kps = &p->p_kp;
	struct noise_keypair	*kp = NULL;
	struct wg_index_entry	*e;
	uint8_t			 t1[WG_KEY_LEN], t2[WG_KEY_LEN];
	int			 initiator, i;

	if (hs->state != NOISE_CREATED_RESPONSE &&
	    hs->state != NOISE_CONSUMED_RESPONSE)
		return WG_DROP_UNEXPECTED;
	initiator = hs->state == NOISE_CONSUMED_RESPONSE;

	/*
	 * The initiator may use its keypair at once; the responder keeps
	 * its own as next until the initiator confirms it.  Drop what the
	 * new keypair pushes out first, so that a slot is free.
	 */
	if (initiator) {
		if (kps->next != NULL) {
			noise_keypair_drop(l, kps->current);
			noise_keypair_drop(l, kps->previous);
			kps->previous = kps->next;
			kps->next = NULL;
		} else {
			noise_keypair_drop(l, kps->previous);
			kps->previous = kps->current;
		}
		kps->current = NULL;
	} else {
		noise_keypair_drop(l, kps->next);
		noise_keypair_drop(l, kps->previous);
		kps->next = NULL;
		kps->previous = NULL;
	}
	for (i = 0; i < NOISE_KEYPAIR_SLOTS; i++)
		if (!kps->slot[i].in_use) {
			kp = &kps->slot[i];
			break;
		}
	if (kp == NULL)		/* cannot happen: at most one slot is kept */
		return WG_DROP_NO_MEMORY;

	wg_kdf(t1, t2, NULL, hs->ck, NULL, 0);
	memset(kp, 0, sizeof(*kp));
	memcpy(kp->send_key, initiator ? t1 : t2, WG_KEY_LEN);
	memcpy(kp->recv_key, initiator ? t2 : t1, WG_KEY_LEN);
	sodium_memzero(t1, sizeof(t1));
	sodium_memzero(t2, sizeof(t2));
	kp->in_use = 1;
	kp->initiator = initiator;
	kp->local_index = hs->local_index;
	kp->remote_index = hs->remote_index;
	kp->birth = now;
	kp->send_valid = 1;
	kp->recv_valid = 1;
	wg_replay_init(&kp->recv_replay);

	/* The handshake's index now names the keypair. */
	if ((e = wg_index_lookup(&l->l_index, hs->local_index)) != NULL)
		e->keypair = kp;
	hs->has_index = 0;
	noise_handshake_clear(l, p);

	if (initiator)
		kps->current = kp;
	else
		kps->next = kp;
	return WG_DROP_NONE;
}

int
noise_received_with(struct wg_local *l, struct wg_peer *p,
    struct noise_keypair *kp)
{
	struct noise_keypairs	*kps = &p->p_kp;

	if (kp != kps->next)
		return 0;
	noise_keypair_drop(l, kps->previous);
	kps->previous = kps->current;
	kps->current = kps->next;
	kps->next = NULL;
	return 1;
}

void
noise_keypairs_clear(struct wg_local *l, struct wg_peer *p)
{
	struct noise_keypairs	*kps = &p->p_kp;

	noise_keypair_drop(l, kps->previous);
	noise_keypair_drop(l, kps->current);
	noise_keypair_drop(l, kps->next);
	kps->previous = kps->current = kps->next = NULL;
}
