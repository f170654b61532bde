/*
 * libFuzzer target for the WireGuard receive path (wg_receive) and
 * what follows it (responses, cookies, timers, sends).
 *
 * Random bytes die at mac1 or the AEAD, so the target keeps two locals
 * (A and B) that know each other, with a live session, and a set of
 * genuine messages; the input is a list of operations that feed raw
 * bytes or mutated genuine messages (mac1 recomputed, so that the
 * mutation reaches the handshake parser) to either side, move the
 * clock, toggle "under load", tick the timers and send.  The pair is
 * rebuilt every 256 inputs so that its state stays near the interesting
 * part.
 *
 * Input: records of [op][len][len bytes]; see run_op().  Seeds, one per
 * kind of operation, are in regress/fuzz/corpus/wg/:
 *   build/fuzz/fuzz_wg -max_total_time=60 regress/fuzz/corpus/wg
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wg/wg.h"
#include "wg/wg_cookie.h"
#include "wg/wg_crypto.h"
#include "../common/wg/wg_test.h"

#define NTEMPLATES	5

static struct pair	pr;
static int		pr_ready;
static unsigned int	pr_uses;
static uint8_t		tmpl[NTEMPLATES][WG_SEND_BUFLEN(64)];
static size_t		tmpl_len[NTEMPLATES];

static void
keep(int i, const uint8_t *msg, size_t len)
{
	memcpy(tmpl[i], msg, len);
	tmpl_len[i] = len;
}

/* A fresh pair with a session, and genuine messages of each type. */
static void
setup(void)
{
	struct wg_result	r1, r2, r3, tx;
	uint8_t			buf[WG_SEND_BUFLEN(64)];

	if (pr_ready)
		pair_free(&pr);
	pair_init(&pr, NULL, NULL);
	wg_peer_initiate(pr.pa, pr.now, 0, &r1);
	keep(0, r1.msg, r1.msg_len);			/* initiation */
	pair_deliver_msg(&pr, 1, &r1, &r2);
	keep(1, r2.msg, r2.msg_len);			/* response */
	pair_deliver_msg(&pr, 0, &r2, &r3);
	memset(buf, 0x5a, sizeof(buf));
	wg_send(pr.pa, pr.now, buf, 64, sizeof(buf), &tx);
	keep(2, buf, tx.wire_len);			/* transport A->B */
	wg_send(pr.pa, pr.now, buf, 0, sizeof(buf), &tx);
	keep(3, buf, tx.wire_len);			/* keepalive A->B */
	memset(buf, 0, WG_COOKIE_REPLY_LEN);
	wg_le32enc(buf, WG_MSG_COOKIE);
	memcpy(buf + 4, r2.msg + 4, 4);
	keep(4, buf, WG_COOKIE_REPLY_LEN);		/* forged cookie B->A */
	pr_ready = 1;
	pr_uses = 0;
}

static void
remac(uint8_t *msg, size_t len, const struct wg_local *to)
{
	uint8_t	pub[WG_KEY_LEN], key[WG_HASH_LEN];

	wg_local_pubkey(to, pub);
	wg_hash2(key, WG_LABEL_MAC1, 8, pub, sizeof(pub));
	wg_mac(msg + WG_MAC1_OFF(len), key, sizeof(key), msg,
	    WG_MAC1_OFF(len));
}

static void
deliver(int to_b, uint8_t *buf, size_t len)
{
	struct wg_result	res, res2;
	uint8_t			out[WG_HANDSHAKE_MAX];

	wg_receive(to_b ? pr.b : pr.a, pr.now, to_b ? &pr.addr_a : &pr.addr_b,
	    buf, len, &res);
	/* Whatever was answered goes back, so exchanges can complete. */
	if (res.msg_len > 0) {
		memcpy(out, res.msg, res.msg_len);
		wg_receive(to_b ? pr.a : pr.b, pr.now,
		    to_b ? &pr.addr_b : &pr.addr_a, out, res.msg_len, &res2);
	}
}

/* Carries a message a side produced (initiation, keepalive...) across. */
static void
forward(int from_a, const struct wg_result *res)
{
	uint8_t	buf[WG_HANDSHAKE_MAX];

	if (res->msg_len == 0)
		return;
	memcpy(buf, res->msg, res->msg_len);
	deliver(from_a, buf, res->msg_len);
}

/*
 * op & 7: 0 raw bytes to B, 1 raw bytes to A, 2 patch a template (first
 * data byte picks it, the rest is XORed from offset 4) and deliver it,
 * 3 the same with mac1 recomputed, 4 advance the clock by le16 ms * 100,
 * 5 toggle under load, 6 tick both peers, 7 send len bytes from A or B;
 * what ticks and sends produce is delivered to the other side.
 */
static void
run_op(uint8_t op, const uint8_t *d, size_t len)
{
	struct wg_result	res;
	uint8_t			buf[2048];
	size_t			i, n, t;

	switch (op & 7) {
	case 0:
	case 1:
		memcpy(buf, d, len);
		deliver((op & 7) == 0, buf, len);
		break;
	case 2:
	case 3:
		if (len == 0)
			break;
		t = d[0] % NTEMPLATES;
		n = tmpl_len[t];
		memcpy(buf, tmpl[t], n);
		for (i = 1; i < len && 3 + i < n; i++)
			buf[3 + i] ^= d[i];
		if ((op & 0x80) && n > 1)	/* also cut it short */
			n = 1 + d[0] % n;
		if ((op & 7) == 3 && (t == 0 || t == 1) &&
		    n == tmpl_len[t])
			remac(buf, n, t == 0 ? pr.b : pr.a);
		deliver(t != 1 && t != 4, buf, n);
		break;
	case 4:
		if (len >= 2)
			pair_advance(&pr, (uint64_t)(d[0] | d[1] << 8) *
			    100000000ULL);
		break;
	case 5:
		wg_local_set_under_load(op & 0x10 ? pr.a : pr.b, op & 0x20);
		break;
	case 6:
		wg_peer_tick(pr.pa, pr.now, &res);
		forward(1, &res);
		wg_peer_tick(pr.pb, pr.now, &res);
		forward(0, &res);
		break;
	case 7:
		n = len < 1400 ? len : 1400;
		memcpy(buf + WG_TRANSPORT_HEADER, d, n);
		if (wg_send(op & 0x10 ? pr.pa : pr.pb, pr.now, buf, n,
		    sizeof(buf), &res) == WG_TX_OK)
			deliver((op & 0x10) != 0, buf, res.wire_len);
		forward((op & 0x10) != 0, &res);
		break;
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	len;
	uint8_t	op;

	if (!pr_ready || ++pr_uses >= 256)
		setup();
	while (size >= 3) {
		op = data[0];
		len = (size_t)data[1] | (size_t)(data[2] & 0x07) << 8;
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		run_op(op, data, len);
		data += len;
		size -= len;
	}
	return 0;
}
