/*
 * TCP segmentation: every segment of IPv4 and IPv6 superframes has valid
 * checksums (checked by an independent byte-wise sum), the right
 * sequence numbers, lengths and flags, and the payloads add up; partial
 * checksums are finished; frames we cannot cut are refused.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "egd/engine_gso.h"
#include "regress/lib/tap.h"

/* RFC 1071, the plain way: big-endian 16-bit words. */
static uint32_t
ref_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
ref_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Does the segment's TCP checksum verify (sum over all == 0xffff)? */
static int
tcp_ok(const uint8_t *f, size_t len, int v6)
{
	size_t		l4 = v6 ? 14 + 40 : 14 + (f[14] & 0xf) * 4;
	uint32_t	sum = 0;

	if (v6) {
		sum = ref_sum(sum, f + 14 + 8, 32);
		sum += (uint32_t)(len - l4);
	} else {
		sum = ref_sum(sum, f + 14 + 12, 8);
		sum += 6 + (uint32_t)(len - l4);
	}
	sum += v6 ? 6 : 0;
	sum = ref_sum(sum, f + l4, len - l4);
	return ref_fold(sum) == 0xffff;
}

static void
build(uint8_t *f, int v6, size_t payload, uint8_t flags)
{
	size_t	l4, i;

	memset(f, 0, 14 + 60 + 20);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	if (v6) {
		f[12] = 0x86;
		f[13] = 0xdd;
		f[14] = 0x60;
		f[14 + 6] = 6;
		f[14 + 7] = 64;
		for (i = 0; i < 32; i++)
			f[14 + 8 + i] = (uint8_t)(0xfd + i);
		l4 = 14 + 40;
	} else {
		f[12] = 0x08;
		f[13] = 0x00;
		f[14] = 0x45;
		f[14 + 4] = 0x12;
		f[14 + 5] = 0x34;
		f[14 + 8] = 64;
		f[14 + 9] = 6;
		memcpy(f + 14 + 12, "\x0a\x4d\x00\x01\x0a\x4d\x00\x02", 8);
		l4 = 14 + 20;
	}
	f[l4 + 0] = 0x13;
	f[l4 + 1] = 0x88;
	f[l4 + 4] = 0xff;	/* sequence near the wrap */
	f[l4 + 5] = 0xff;
	f[l4 + 6] = 0xf0;
	f[l4 + 12] = 0x50;
	f[l4 + 13] = flags;
	for (i = 0; i < payload; i++)
		f[l4 + 20 + i] = (uint8_t)(i * 13 + 7);
}

static void
test_cut(int v6)
{
	struct gso_vnet_hdr	vh;
	struct gso_iter		it;
	uint8_t			*f, seg[2048], *joined;
	size_t			payload = 4001, mss = 1400, l4, got = 0;
	ssize_t			n;
	uint32_t		seq0 = 0xfffff000, seq;
	int			nseg = 0, good = 1, flags_ok = 1;
	const char		*fam = v6 ? "IPv6" : "IPv4";

	f = calloc(1, 14 + 40 + 20 + payload);
	joined = calloc(1, payload);
	build(f, v6, payload, 0x18 /* PSH ACK */ | 0x01 /* FIN */);
	l4 = v6 ? 54 : 34;
	memset(&vh, 0, sizeof(vh));
	vh.gso_type = v6 ? GSO_TYPE_TCPV6 : GSO_TYPE_TCPV4;
	vh.gso_size = mss;
	vh.flags = GSO_F_NEEDS_CSUM;
	vh.csum_start = l4;
	vh.csum_offset = 16;
	ok(gso_start(&it, &vh, f, l4 + 20 + payload) == 0, "%s: start", fam);
	while ((n = gso_next(&it, seg, sizeof(seg))) > 0) {
		size_t plen = n - l4 - 20;

		seq = (uint32_t)seg[l4 + 4] << 24 | seg[l4 + 5] << 16 |
		    seg[l4 + 6] << 8 | seg[l4 + 7];
		if (seq != seq0 + got || plen > mss)
			good = 0;
		if (!tcp_ok(seg, n, v6))
			good = 0;
		if (!v6 && (ref_fold(ref_sum(0, seg + 14, 20)) != 0xffff ||
		    ((size_t)(seg[16] << 8 | seg[17])) != (size_t)n - 14 ||
		    (seg[18] << 8 | seg[19]) != 0x1234 + nseg))
			good = 0;
		if (v6 && (size_t)(seg[18] << 8 | seg[19]) != (size_t)n - 54)
			good = 0;
		if (it.off < it.len && (seg[l4 + 13] & 0x09))
			flags_ok = 0;	/* FIN or PSH before the end */
		if (it.off >= it.len && (seg[l4 + 13] & 0x09) != 0x09)
			flags_ok = 0;
		memcpy(joined + got, seg + l4 + 20, plen);
		got += plen;
		nseg++;
	}
	ok(n == 0 && nseg == 3, "%s: %d segments of 1400, 1400, 1201",
	    fam, nseg);
	ok(good, "%s: sequence numbers, lengths and checksums", fam);
	ok(flags_ok, "%s: FIN and PSH only on the last segment", fam);
	ok(got == payload && memcmp(joined, f + l4 + 20, payload) == 0,
	    "%s: the payloads add up", fam);
	ok(gso_start(&it, &vh, f, l4 + 20 + payload) == 0 &&
	    gso_next(&it, seg, 100) == -1, "%s: too small a buffer fails",
	    fam);
	free(f);
	free(joined);
}

/* Cut a superframe, then merge its segments back. */
static void
test_merge(int v6)
{
	struct gso_vnet_hdr	vh, out;
	struct gso_iter		it;
	struct gso_merge	m;
	uint8_t			*f, segs[4][2048], mbuf[70000];
	size_t			payload = 4001, l4 = v6 ? 54 : 34, n;
	ssize_t			len[4];
	const char		*fam = v6 ? "IPv6" : "IPv4";
	int			k = 0;

	f = calloc(1, l4 + 20 + payload);
	build(f, v6, payload, 0x18);
	memset(&vh, 0, sizeof(vh));
	vh.gso_type = v6 ? GSO_TYPE_TCPV6 : GSO_TYPE_TCPV4;
	vh.gso_size = 1400;
	gso_start(&it, &vh, f, l4 + 20 + payload);
	while (k < 4 && (len[k] = gso_next(&it, segs[k], 2048)) > 0)
		k++;
	memset(&m, 0, sizeof(m));
	m.buf = mbuf;
	m.cap = sizeof(mbuf);
	ok(gso_merge_start(&m, segs[0], len[0]) == 1 &&
	    gso_merge_add(&m, segs[2], len[2]) == 0,
	    "%s merge: a gap in the sequence is refused", fam);
	/* What cutting would not give back: DF, TCP's reserved bits. */
	if (!v6) {
		segs[1][14 + 6] ^= 0x40;
		ok(gso_merge_add(&m, segs[1], len[1]) == 0,
		    "IPv4 merge: another DF is refused");
		segs[1][14 + 6] ^= 0x40;
	}
	segs[1][l4 + 12] ^= 0x01;
	ok(gso_merge_add(&m, segs[1], len[1]) == 0,
	    "%s merge: other TCP reserved bits (AE) are refused", fam);
	segs[1][l4 + 12] ^= 0x01;
	ok(gso_merge_add(&m, segs[1], len[1]) == 1 &&
	    gso_merge_add(&m, segs[2], len[2]) == 1,
	    "%s merge: consecutive segments are appended", fam);
	ok(gso_merge_add(&m, segs[1], len[1]) == 0,
	    "%s merge: closed after the short last segment", fam);
	n = gso_merge_finish(&m, &out);
	ok(n == l4 + 20 + payload && memcmp(mbuf + l4 + 20, f + l4 + 20,
	    payload) == 0, "%s merge: the payload is whole again", fam);
	ok(out.gso_type == vh.gso_type && out.gso_size == 1400 &&
	    out.hdr_len == l4 + 20 && out.csum_start == l4 &&
	    out.csum_offset == 16 && (out.flags & GSO_F_NEEDS_CSUM),
	    "%s merge: the virtio_net header describes it", fam);
	if (v6)
		ok((size_t)(mbuf[18] << 8 | mbuf[19]) == n - 54,
		    "IPv6 merge: payload length");
	else
		ok((size_t)(mbuf[16] << 8 | mbuf[17]) == n - 14 &&
		    ref_fold(ref_sum(0, mbuf + 14, 20)) == 0xffff,
		    "IPv4 merge: total length and header checksum");
	/* Cutting the merged frame again gives the same segments. */
	gso_start(&it, &out, mbuf, n);
	k = 0;
	while ((len[0] = gso_next(&it, segs[3], 2048)) > 0)
		k++;
	ok(k == 3, "%s merge: cut again, three segments", fam);

	segs[0][l4 + 13] = 0x02;	/* SYN */
	ok(gso_merge_start(&m, segs[0], 100) == 0,
	    "%s merge: a SYN is not merged", fam);
	free(f);
}

int
main(void)
{
	struct gso_vnet_hdr	vh;
	struct gso_iter		it;
	uint8_t			f[200];
	uint32_t		sum;
	size_t			i;

	test_cut(0);
	test_cut(1);
	test_merge(0);
	test_merge(1);

	/* A UDP/IPv4 frame whose checksum the kernel left to us. */
	memset(f, 0, sizeof(f));
	build(f, 0, 0, 0);
	f[14 + 9] = 17;
	for (i = 0; i < 51; i++)
		f[42 + i] = (uint8_t)(i * 7);
	f[34 + 4] = 0;
	f[34 + 5] = 8 + 51;
	/* Seed the field with the pseudo-header's sum, as Linux does. */
	sum = ref_sum(0, f + 26, 8) + 17 + 8 + 51;
	f[34 + 6] = ref_fold(sum) >> 8;
	f[34 + 7] = ref_fold(sum) & 0xff;
	memset(&vh, 0, sizeof(vh));
	vh.flags = GSO_F_NEEDS_CSUM;
	vh.csum_start = 34;
	vh.csum_offset = 6;
	ok(gso_finish_csum(&vh, f, 34 + 8 + 51) == 0, "finish a checksum");
	sum = ref_sum(0, f + 26, 8) + 17 + 8 + 51;
	sum = ref_sum(sum, f + 34, 8 + 51);
	ok(ref_fold(sum) == 0xffff, "the finished UDP checksum verifies");
	vh.csum_start = 300;
	ok(gso_finish_csum(&vh, f, 100) == -1, "offsets beyond the frame fail");

	memset(&vh, 0, sizeof(vh));
	vh.gso_type = GSO_TYPE_UDP;
	vh.gso_size = 1000;
	ok(gso_start(&it, &vh, f, 100) == -1, "UDP segmentation refused");
	vh.gso_type = GSO_TYPE_TCPV4;
	f[12] = 0x81;	/* 802.1Q */
	ok(gso_start(&it, &vh, f, 100) == -1, "tagged frames refused");
	return tap_done();
}
