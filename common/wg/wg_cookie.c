/*
 * Cookies: a responder under load proves a source's address by handing
 * it cookie = MAC(secret, address), encrypted to the peer that sent
 * mac1; the source then sends mac2 = MAC(cookie, message).
 */
#include <string.h>

#include <sodium.h>

#include "wg_cookie.h"

static void
cookie_keys(uint8_t mac1_key[WG_HASH_LEN], uint8_t cookie_key[WG_KEY_LEN],
    const uint8_t pub[WG_KEY_LEN])
{
	wg_hash2(mac1_key, WG_LABEL_MAC1, strlen(WG_LABEL_MAC1), pub,
	    WG_KEY_LEN);
	wg_hash2(cookie_key, WG_LABEL_COOKIE, strlen(WG_LABEL_COOKIE), pub,
	    WG_KEY_LEN);
}

void
cookie_checker_init(struct cookie_checker *cc, const uint8_t pub[WG_KEY_LEN])
{
	memset(cc, 0, sizeof(*cc));
	cookie_keys(cc->mac1_key, cc->cookie_key, pub);
}

void
cookie_checker_wipe(struct cookie_checker *cc)
{
	sodium_memzero(cc, sizeof(*cc));
}

/* The cookie we give src now; the secret is renewed once it is 120 s old. */
static void
cookie_checker_cookie(struct cookie_checker *cc, uint8_t out[WG_COOKIE_LEN],
    const struct wg_addr *src, uint64_t now, const struct wg_rng *rng)
{
	if (!cc->secret_valid || now < cc->secret_birth ||
	    now - cc->secret_birth >= WG_COOKIE_SECRET_MAX_AGE) {
		wg_rng_bytes(rng, cc->secret, sizeof(cc->secret));
		cc->secret_birth = now;
		cc->secret_valid = 1;
	}
	wg_mac(out, cc->secret, sizeof(cc->secret), src->bytes, src->len);
}

int
cookie_checker_mac2(struct cookie_checker *cc, const uint8_t *msg,
    size_t len, const struct wg_addr *src, uint64_t now,
    const struct wg_rng *rng)
{
	uint8_t	mac[WG_MAC_LEN], cookie[WG_COOKIE_LEN];
	int	ok;

	cookie_checker_cookie(cc, cookie, src, now, rng);
	wg_mac(mac, cookie, sizeof(cookie), msg, WG_MAC2_OFF(len));
	ok = sodium_memcmp(mac, msg + WG_MAC2_OFF(len), WG_MAC_LEN) == 0;
	sodium_memzero(cookie, sizeof(cookie));
	return ok;
}

enum cookie_mac_state
cookie_checker_validate(struct cookie_checker *cc, const uint8_t *msg,
    size_t len, const struct wg_addr *src, uint64_t now, int check_mac2,
    const struct wg_rng *rng)
{
	uint8_t	mac[WG_MAC_LEN];

	wg_mac(mac, cc->mac1_key, sizeof(cc->mac1_key), msg, WG_MAC1_OFF(len));
	if (sodium_memcmp(mac, msg + WG_MAC1_OFF(len), WG_MAC_LEN) != 0)
		return COOKIE_MAC_INVALID;
	if (!check_mac2)
		return COOKIE_MAC_VALID;
	return cookie_checker_mac2(cc, msg, len, src, now, rng) ?
	    COOKIE_MAC_VALID_COOKIE : COOKIE_MAC_VALID;
}

void
cookie_checker_create_reply(struct cookie_checker *cc,
    struct wg_msg_cookie *reply, uint32_t receiver, const uint8_t *msg,
    size_t len, const struct wg_addr *src, uint64_t now,
    const struct wg_rng *rng)
{
	uint8_t	cookie[WG_COOKIE_LEN];

	wg_le32enc(reply->type, WG_MSG_COOKIE);
	wg_le32enc(reply->receiver, receiver);
	wg_rng_bytes(rng, reply->nonce, sizeof(reply->nonce));
	cookie_checker_cookie(cc, cookie, src, now, rng);
	/* The mac1 we answer is the AD: only its sender can use the reply. */
	wg_xaead_seal(reply->enc_cookie, cc->cookie_key, reply->nonce, cookie,
	    sizeof(cookie), msg + WG_MAC1_OFF(len), WG_MAC_LEN);
	sodium_memzero(cookie, sizeof(cookie));
}

void
cookie_maker_init(struct cookie_maker *cm, const uint8_t pub[WG_KEY_LEN])
{
	memset(cm, 0, sizeof(*cm));
	cookie_keys(cm->mac1_key, cm->cookie_key, pub);
}

void
cookie_maker_wipe(struct cookie_maker *cm)
{
	sodium_memzero(cm, sizeof(*cm));
}

void
cookie_maker_add_macs(struct cookie_maker *cm, uint8_t *msg, size_t len,
    uint64_t now)
{
	uint8_t	*mac1 = msg + WG_MAC1_OFF(len);
	uint8_t	*mac2 = msg + WG_MAC2_OFF(len);

	wg_mac(mac1, cm->mac1_key, sizeof(cm->mac1_key), msg,
	    WG_MAC1_OFF(len));
	memcpy(cm->last_mac1, mac1, WG_MAC_LEN);
	cm->have_last_mac1 = 1;

	if (cm->cookie_valid &&
	    (now < cm->cookie_birth ||
	    now - cm->cookie_birth >= WG_COOKIE_VALID_TIME)) {
		sodium_memzero(cm->cookie, sizeof(cm->cookie));
		cm->cookie_valid = 0;
	}
	if (cm->cookie_valid)
		wg_mac(mac2, cm->cookie, sizeof(cm->cookie), msg,
		    WG_MAC2_OFF(len));
	else
		memset(mac2, 0, WG_MAC_LEN);
}

int
cookie_maker_consume_reply(struct cookie_maker *cm,
    const struct wg_msg_cookie *reply, uint64_t now)
{
	uint8_t	cookie[WG_COOKIE_LEN];

	if (!cm->have_last_mac1)
		return -1;
	if (wg_xaead_open(cookie, cm->cookie_key, reply->nonce,
	    reply->enc_cookie, sizeof(reply->enc_cookie), cm->last_mac1,
	    WG_MAC_LEN) != 0)
		return -1;
	memcpy(cm->cookie, cookie, sizeof(cookie));
	cm->cookie_birth = now;
	cm->cookie_valid = 1;
	/* One reply per message we sent: a replayed reply is refused. */
	cm->have_last_mac1 = 0;
	sodium_memzero(cookie, sizeof(cookie));
	return 0;
}
