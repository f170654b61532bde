/*
 * WireGuard module: locals, peers, counters.  The receive path is in
 * wg_rx.c, the send path and initiations in wg_tx.c.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "wg.h"
#include "wg_var.h"

int
wg_peer_cmp(const struct wg_peer *a, const struct wg_peer *b)
{
	return memcmp(a->p_pub, b->p_pub, WG_KEY_LEN);
}

RB_GENERATE(wg_peer_tree, wg_peer, p_entry, wg_peer_cmp)

static void
wg_random_default(void *ctx, void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

struct wg_local *
wg_local_new(const uint8_t priv[WG_KEY_LEN], wg_random_fn rnd, void *rnd_ctx)
{
	struct wg_local	*l;

	if (sodium_init() < 0) {
		errno = EIO;
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->l_rng.fn = rnd != NULL ? rnd : wg_random_default;
	l->l_rng.ctx = rnd_ctx;
	memcpy(l->l_priv, priv, WG_KEY_LEN);
	if (wg_pubkey(l->l_pub, l->l_priv) != 0) {
		sodium_memzero(l, sizeof(*l));
		free(l);
		errno = EINVAL;
		return NULL;
	}
	noise_init_constants(l->l_ck0, l->l_h0);
	wg_hash2(l->l_hself, l->l_h0, WG_HASH_LEN, l->l_pub, WG_KEY_LEN);
	cookie_checker_init(&l->l_cookie, l->l_pub);
	wg_guard_init(&l->l_own_guard);
	l->l_guard = &l->l_own_guard;
	wg_index_init(&l->l_index);
	RB_INIT(&l->l_peers);
	if (wg_ratelimit_init(&l->l_ratelimit, WG_RL_SLOTS, &l->l_rng) != 0) {
		sodium_memzero(l, sizeof(*l));
		free(l);
		return NULL;
	}
	return l;
}

void
wg_local_free(struct wg_local *l)
{
	struct wg_peer	*p;

	if (l == NULL)
		return;
	while ((p = RB_MIN(wg_peer_tree, &l->l_peers)) != NULL)
		wg_peer_free(p);
	wg_ratelimit_free(&l->l_ratelimit);
	wg_index_free(&l->l_index);
	cookie_checker_wipe(&l->l_cookie);
	sodium_memzero(l, sizeof(*l));
	free(l);
}

void
wg_local_pubkey(const struct wg_local *l, uint8_t pub[WG_KEY_LEN])
{
	memcpy(pub, l->l_pub, WG_KEY_LEN);
}

void
wg_local_set_under_load(struct wg_local *l, int under_load)
{
	l->l_under_load = under_load != 0;
}

struct wg_peer *
wg_peer_new(struct wg_local *l, const uint8_t pub[WG_KEY_LEN],
    const uint8_t *psk, void *arg)
{
	struct wg_peer	*p;
	uint8_t		 ss[WG_KEY_LEN];

	if (sodium_memcmp(pub, l->l_pub, WG_KEY_LEN) == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (wg_peer_lookup(l, pub) != NULL) {
		errno = EEXIST;
		return NULL;
	}
	/* A zero static-static DH could never give a handshake. */
	if (wg_dh(ss, l->l_priv, pub) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		sodium_memzero(ss, sizeof(ss));
		return NULL;
	}
	if (wg_index_reserve(&l->l_index, WG_PEER_INDICES) != 0) {
		sodium_memzero(ss, sizeof(ss));
		free(p);
		return NULL;
	}
	p->p_local = l;
	p->p_arg = arg;
	memcpy(p->p_pub, pub, WG_KEY_LEN);
	memcpy(p->p_ss, ss, WG_KEY_LEN);
	sodium_memzero(ss, sizeof(ss));
	if (psk != NULL)
		memcpy(p->p_psk, psk, WG_KEY_LEN);
	wg_hash2(p->p_h0, l->l_h0, WG_HASH_LEN, pub, WG_KEY_LEN);
	cookie_maker_init(&p->p_cookie, pub);
	wg_timers_init(&p->p_timers);
	RB_INSERT(wg_peer_tree, &l->l_peers, p);
	return p;
}

void
wg_peer_free(struct wg_peer *p)
{
	struct wg_local	*l;

	if (p == NULL)
		return;
	l = p->p_local;
	noise_handshake_clear(l, p);
	noise_keypairs_clear(l, p);
	RB_REMOVE(wg_peer_tree, &l->l_peers, p);
	wg_index_unreserve(&l->l_index, WG_PEER_INDICES);
	sodium_memzero(p, sizeof(*p));
	free(p);
}

struct wg_peer *
wg_peer_lookup(const struct wg_local *l, const uint8_t pub[WG_KEY_LEN])
{
	struct wg_peer	key;

	memcpy(key.p_pub, pub, WG_KEY_LEN);
	return RB_FIND(wg_peer_tree, (struct wg_peer_tree *)&l->l_peers, &key);
}

void *
wg_peer_arg(const struct wg_peer *p)
{
	return p->p_arg;
}

void
wg_peer_pubkey(const struct wg_peer *p, uint8_t pub[WG_KEY_LEN])
{
	memcpy(pub, p->p_pub, WG_KEY_LEN);
}

void
wg_peer_set_psk(struct wg_peer *p, const uint8_t *psk)
{
	if (psk != NULL)
		memcpy(p->p_psk, psk, WG_KEY_LEN);
	else
		sodium_memzero(p->p_psk, WG_KEY_LEN);
}

int
wg_peer_psk_equal(const struct wg_peer *p, const uint8_t *psk)
{
	static const uint8_t	none[WG_KEY_LEN];

	return sodium_memcmp(p->p_psk, psk != NULL ? psk : none,
	    WG_KEY_LEN) == 0;
}

void
wg_peer_set_keepalive(struct wg_peer *p, struct wg_time now,
    unsigned int seconds)
{
	p->p_timers.persistent_keepalive = seconds;
	if (seconds == 0)
		p->p_timers.at[WG_T_PERSISTENT] = WG_TIMER_OFF;
	else
		wg_timers_any_authenticated_packet_traversal(p, now.mono);
}

uint64_t
wg_peer_last_handshake(const struct wg_peer *p)
{
	return p->p_last_handshake;
}

uint64_t
wg_peer_next_deadline(const struct wg_peer *p)
{
	return wg_timers_next(&p->p_timers);
}

void
wg_peer_tick(struct wg_peer *p, struct wg_time now, struct wg_result *res)
{
	wg_result_reset(res);
	res->peer = p;
	wg_timers_tick(p, now, res);
}

int
wg_addr_from_sockaddr(struct wg_addr *a, const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(a, 0, sizeof(*a));
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)sa;
		memcpy(a->bytes, &sin->sin_addr, 4);
		memcpy(a->bytes + 4, &sin->sin_port, 2);
		a->len = 6;
		a->host_len = 4;
		return 0;
	case AF_INET6:
		/* One host, as WireGuard's ratelimiter sees it, is a /64. */
		sin6 = (const struct sockaddr_in6 *)sa;
		memcpy(a->bytes, &sin6->sin6_addr, 16);
		memcpy(a->bytes + 16, &sin6->sin6_port, 2);
		a->len = 18;
		a->host_len = 8;
		return 0;
	default:
		return -1;
	}
}

void
wg_result_reset(struct wg_result *res)
{
	res->peer = NULL;
	res->drop = WG_DROP_NONE;
	res->events = 0;
	res->data = NULL;
	res->data_len = 0;
	res->wire_len = 0;
	res->msg_len = 0;
}

void
wg_count(struct wg_local *l, struct wg_peer *p, enum wg_counter c, uint64_t n)
{
	l->l_stats.c[c] += n;
	if (p != NULL)
		p->p_stats.c[c] += n;
}

void
wg_count_drop(struct wg_local *l, struct wg_peer *p, enum wg_drop why)
{
	l->l_stats.drop[why]++;
	if (p != NULL)
		p->p_stats.drop[why]++;
}

static const char *const wg_counter_names[WG_C__COUNT] = {
	[WG_C_RX_DATA] = "rx_data",
	[WG_C_RX_BYTES] = "rx_bytes",
	[WG_C_RX_KEEPALIVE] = "rx_keepalive",
	[WG_C_TX_DATA] = "tx_data",
	[WG_C_TX_BYTES] = "tx_bytes",
	[WG_C_TX_KEEPALIVE] = "tx_keepalive",
	[WG_C_TX_NEED_HANDSHAKE] = "tx_need_handshake",
	[WG_C_INITIATION_SENT] = "initiation_sent",
	[WG_C_INITIATION_RECV] = "initiation_recv",
	[WG_C_RESPONSE_SENT] = "response_sent",
	[WG_C_RESPONSE_RECV] = "response_recv",
	[WG_C_COOKIE_SENT] = "cookie_sent",
	[WG_C_COOKIE_RECV] = "cookie_recv",
	[WG_C_SESSIONS] = "sessions",
	[WG_C_HANDSHAKE_GAVE_UP] = "handshake_gave_up",
	[WG_C_KEYS_ZEROED] = "keys_zeroed",
};

static const char *const wg_drop_names[WG_DROP__COUNT] = {
	[WG_DROP_NONE] = "none",
	[WG_DROP_TRUNCATED] = "drop_truncated",
	[WG_DROP_BAD_LENGTH] = "drop_bad_length",
	[WG_DROP_BAD_TYPE] = "drop_bad_type",
	[WG_DROP_BAD_RESERVED] = "drop_bad_reserved",
	[WG_DROP_BAD_MAC1] = "drop_bad_mac1",
	[WG_DROP_COOKIE_REQUIRED] = "drop_cookie_required",
	[WG_DROP_RATELIMITED] = "drop_ratelimited",
	[WG_DROP_COOKIE_BUDGET] = "drop_cookie_budget",
	[WG_DROP_DH_BUDGET] = "drop_handshake_budget",
	[WG_DROP_UNKNOWN_PEER] = "drop_unknown_peer",
	[WG_DROP_UNKNOWN_INDEX] = "drop_unknown_index",
	[WG_DROP_BAD_HANDSHAKE] = "drop_bad_handshake",
	[WG_DROP_UNEXPECTED] = "drop_unexpected",
	[WG_DROP_OLD_TIMESTAMP] = "drop_old_timestamp",
	[WG_DROP_FLOOD] = "drop_initiation_flood",
	[WG_DROP_BAD_COOKIE] = "drop_bad_cookie",
	[WG_DROP_EXPIRED_KEYPAIR] = "drop_expired_keypair",
	[WG_DROP_REPLAY] = "drop_replay",
	[WG_DROP_TOO_OLD] = "drop_too_old",
	[WG_DROP_COUNTER_LIMIT] = "drop_counter_limit",
	[WG_DROP_BAD_TAG] = "drop_bad_tag",
	[WG_DROP_NO_MEMORY] = "drop_no_memory",
	[WG_DROP_TX_NO_ROOM] = "drop_tx_no_room",
	[WG_DROP_CROSSING] = "drop_crossing_initiation",
};

const char *
wg_drop_name(enum wg_drop why)
{
	if ((unsigned int)why >= WG_DROP__COUNT)
		return "unknown";
	return wg_drop_names[why];
}

static size_t
wg_stats_list(const struct wg_counters *s, struct wg_stat *out, size_t max)
{
	size_t	n = 0, i;

	for (i = 0; i < WG_C__COUNT && n < max; i++, n++) {
		out[n].name = wg_counter_names[i];
		out[n].value = s->c[i];
	}
	for (i = 1; i < WG_DROP__COUNT && n < max; i++, n++) {
		out[n].name = wg_drop_names[i];
		out[n].value = s->drop[i];
	}
	return n;
}

_Static_assert(WG_C__COUNT + WG_DROP__COUNT - 1 <= WG_STATS_MAX,
    "WG_STATS_MAX too small");

size_t
wg_local_stats(const struct wg_local *l, struct wg_stat *out, size_t max)
{
	return wg_stats_list(&l->l_stats, out, max);
}

size_t
wg_peer_stats(const struct wg_peer *p, struct wg_stat *out, size_t max)
{
	return wg_stats_list(&p->p_stats, out, max);
}

int
wg_test_set_send_counter(struct wg_peer *p, uint64_t counter)
{
	if (p->p_kp.current == NULL)
		return -1;
	p->p_kp.current->send_counter = counter;
	return 0;
}
