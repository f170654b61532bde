/*
 * wgbench: packets per second of in-place transport encrypt + decrypt
 * of 1400-byte packets through wg_send()/wg_receive() on one core,
 * next to raw libsodium ChaCha20-Poly1305 (IETF) seal + open of the
 * same buffer in the same run, and their ratio.  Rounds alternate so
 * that both see the same machine load; the best round of each counts.
 *
 * usage: wgbench [packets-per-round [rounds]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wg/wg.h"
#include "../common/wg/wg_test.h"

#define PLAIN	1400

static double
seconds(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns packets/s of wg_send + wg_receive, or 0 on failure. */
static double
round_wg(struct pair *pr, uint8_t *buf, size_t cap, long n)
{
	struct wg_result	tx, rx;
	double			t0;
	long			i;

	t0 = seconds();
	for (i = 0; i < n; i++) {
		if (wg_send(pr->pa, pr->now, buf, PLAIN, cap, &tx) !=
		    WG_TX_OK ||
		    wg_receive(pr->b, pr->now, &pr->addr_a, buf, tx.wire_len,
		    &rx) != WG_RX_DATA)
			return 0;
	}
	return (double)n / (seconds() - t0);
}

static double
round_raw(uint8_t *buf, const uint8_t *key, long n)
{
	uint8_t	nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
	uint8_t	*pt = buf + WG_TRANSPORT_HEADER;
	double	t0;
	long	i;

	memset(nonce, 0, sizeof(nonce));
	t0 = seconds();
	for (i = 0; i < n; i++) {
		memcpy(nonce + 4, &i, sizeof(i));
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(pt,
		    pt + PLAIN, NULL, pt, PLAIN, NULL, 0, NULL, nonce, key);
		if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(pt,
		    NULL, pt, PLAIN, pt + PLAIN, NULL, 0, nonce, key) != 0)
			return 0;
	}
	return (double)n / (seconds() - t0);
}

int
main(int argc, char *argv[])
{
	static uint8_t	buf[WG_SEND_BUFLEN(PLAIN)];
	struct pair	pr;
	uint8_t		key[32];
	double		wg, raw, best_wg = 0, best_raw = 0;
	long		n = argc > 1 ? atol(argv[1]) : 200000;
	int		rounds = argc > 2 ? atoi(argv[2]) : 5, r;

	pair_init(&pr, NULL, NULL);
	if (pair_handshake(&pr, NULL, NULL) != 0) {
		fprintf(stderr, "wgbench: handshake failed\n");
		return 1;
	}
	memset(buf, 0xa5, sizeof(buf));
	memset(key, 0x42, sizeof(key));
	for (r = 0; r < rounds; r++) {
		wg = round_wg(&pr, buf, sizeof(buf), n);
		raw = round_raw(buf, key, n);
		if (wg == 0 || raw == 0) {
			fprintf(stderr, "wgbench: a packet failed\n");
			return 1;
		}
		if (wg > best_wg)
			best_wg = wg;
		if (raw > best_raw)
			best_raw = raw;
	}
	printf("wg_send+wg_receive %d-byte packets: %.0f pkt/s (%.0f ns/pkt)\n",
	    PLAIN, best_wg, 1e9 / best_wg);
	printf("libsodium chacha20poly1305_ietf seal+open: %.0f pkt/s "
	    "(%.0f ns/pkt)\n", best_raw, 1e9 / best_raw);
	printf("ratio wg/raw: %.3f\n", best_wg / best_raw);
	pair_free(&pr);
	return 0;
}
