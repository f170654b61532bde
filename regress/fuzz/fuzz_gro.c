/*
 * libFuzzer target for the receive-side merging of TCP segments
 * (egd/engine_gro.c on egd/engine_gso.c's gso_merge): a sequence of
 * frames is offered as the data path delivers them, with the end of a
 * batch and refused writes in between.  The interface's two writes are
 * this file's, so that what reaches the TAP can be checked against what
 * was offered:
 * - every frame offered reaches the TAP once, in order, or is counted
 *   as refused with the write that carried it;
 * - a frame written alone is the frame offered, byte for byte;
 * - a superframe is well formed for the kernel (its virtio_net header,
 *   lengths, IPv4 header checksum and the pseudo-header sum the kernel
 *   completes), and cut again as the kernel would cut it, it gives the
 *   segments offered: the same bytes but for what segmentation rewrites
 *   (IPv4 ID, checksums; the urgent pointer, meaningless without URG,
 *   which a merged segment never has).
 *
 * Input: records of an op byte and its arguments.  Op & 3:
 *	0  a frame: 2 bytes of length, then its bytes; with op & 4 its
 *	   IP length field is made to fit
 *	1  the next segment of the last frame's flow: 2 bytes of payload
 *	   length (the payload is made up); op & 4: a byte of TCP flags;
 *	   op & 8: 2 bytes, a header byte to XOR and the value
 *	2  the end of a batch (gro_flush)
 *	3  from now on the interface refuses (op & 4) or takes writes
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "egd/engine_gro.h"
#include "egd/engine_ifio.h"

#define MAXFRAME	16384	/* larger than any MTU egd takes */
#define MAXPENDING	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The frames offered that the TAP has not had yet, oldest first. */
static struct {
	uint8_t		*f[MAXPENDING];
	size_t		 len[MAXPENDING];
	size_t		 head, n;
	int		 refuse;
	uint64_t	 refused;	/* what the frames written should cost */
} q;

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* The Internet checksum the textbook way: 16-bit big-endian words. */
static uint32_t
ref_sum(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(p + i);
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

/* The sum of the TCP pseudo-header. */
static uint32_t
pseudo_sum(const uint8_t *f, size_t l4, size_t len, int v6)
{
	uint32_t	sum;

	if (v6)
		sum = ref_sum(0, f + 14 + 8, 32);
	else
		sum = ref_sum(0, f + 14 + 12, 8);
	return sum + 6 + (uint32_t)(len - l4);
}

/* Offsets of a TCP segment, found without engine_gso.c; -1: not one. */
static int
tcp_offsets(const uint8_t *f, size_t len, size_t *l4, size_t *hdrlen, int *v6)
{
	if (len < 14 + 20)
		return -1;
	if (get16(f + 12) == 0x0800 && (f[14] >> 4) == 4 && f[14 + 9] == 6) {
		*l4 = 14 + (size_t)(f[14] & 0x0f) * 4;
		*v6 = 0;
	} else if (get16(f + 12) == 0x86dd && len >= 14 + 40 &&
	    (f[14] >> 4) == 6 && f[14 + 6] == 6) {
		*l4 = 14 + 40;
		*v6 = 1;
	} else
		return -1;
	if (*l4 < 14 + 20 || *l4 + 20 > len)
		return -1;
	*hdrlen = *l4 + (size_t)(f[*l4 + 12] >> 4) * 4;
	return *hdrlen >= *l4 + 20 && *hdrlen <= len ? 0 : -1;
}

static void
pop(void)
{
	free(q.f[q.head]);
	q.f[q.head] = NULL;
	q.head = (q.head + 1) % MAXPENDING;
	q.n--;
}

/* A segment cut from a superframe against the frame offered. */
static void
check_segment(const uint8_t *s, size_t slen, size_t l4, int v6)
{
	const uint8_t	*f = q.f[q.head];
	size_t		 i;

	if (q.n == 0 || slen != q.len[q.head])
		abort();
	for (i = 0; i < slen; i++) {
		if (!v6 && (i == 14 + 4 || i == 14 + 5 ||	/* ID */
		    i == 14 + 10 || i == 14 + 11))		/* checksum */
			continue;
		if (i == l4 + 16 || i == l4 + 17 ||		/* checksum */
		    i == l4 + 18 || i == l4 + 19)		/* urgent */
			continue;
		if (s[i] != f[i])
			abort();
	}
	/* Segmentation's checksums are the kernel's to trust: right. */
	if (ref_fold(pseudo_sum(s, l4, slen, v6) + ref_sum(0, s + l4,
	    slen - l4)) != 0xffff)
		abort();
	if (!v6 && ref_fold(ref_sum(0, s + 14, l4 - 14)) != 0xffff)
		abort();
	pop();
}

/* The interface of this file: what the TAP is given is checked here. */
int
ifio_write(struct ifio *io, uint8_t *frame, size_t len)
{
	if (q.n == 0 || len != q.len[q.head] ||
	    memcmp(frame, q.f[q.head], len) != 0)
		abort();
	pop();
	if (q.refuse) {
		q.refused++;
		return -1;
	}
	return 0;
}

int
ifio_write_vnet(struct ifio *io, const struct gso_vnet_hdr *vh,
    const uint8_t *frame, size_t len)
{
	static uint8_t	 seg[MAXFRAME];
	struct gso_vnet_hdr vhc;
	struct gso_iter	 it;
	uint8_t		*copy;
	size_t		 l4, hdrlen;
	ssize_t		 n;
	int		 v6, type = vh->gso_type, nseg = 0;

	if (type == GSO_TYPE_NONE) {
		/* One segment: as it was, checksums vouched for. */
		if (vh->flags != GSO_F_DATA_VALID)
			abort();
		return ifio_write(io, (uint8_t *)(uintptr_t)frame, len);
	}
	if (tcp_offsets(frame, len, &l4, &hdrlen, &v6) == -1 ||
	    type != (v6 ? GSO_TYPE_TCPV6 : GSO_TYPE_TCPV4) ||
	    vh->flags != GSO_F_NEEDS_CSUM || vh->hdr_len != hdrlen ||
	    vh->csum_start != l4 || vh->csum_offset != 16 ||
	    vh->gso_size == 0 || len > GRO_CAP || len - 14 > 65535 ||
	    len <= hdrlen + vh->gso_size)
		abort();
	if (v6 ? get16(frame + 14 + 4) != len - 14 - 40 :
	    get16(frame + 14 + 2) != len - 14 ||
	    ref_fold(ref_sum(0, frame + 14, l4 - 14)) != 0xffff)
		abort();
	/* The kernel adds the segment's sum to the pseudo-header's. */
	if (get16(frame + l4 + 16) != ref_fold(pseudo_sum(frame, l4, len,
	    v6)))
		abort();
	if ((copy = malloc(len)) == NULL)
		abort();
	memcpy(copy, frame, len);
	vhc = *vh;
	if (gso_start(&it, &vhc, copy, len) == -1)
		abort();
	while ((n = gso_next(&it, seg, sizeof(seg))) > 0) {
		check_segment(seg, n, l4, v6);
		nseg++;
	}
	free(copy);
	if (n == -1 || nseg < 2)
		abort();
	if (q.refuse) {
		q.refused += nseg;
		return -1;
	}
	return 0;
}

static void
offer(struct gro *g, uint8_t *f, size_t len)
{
	size_t	tail;

	if (q.n == MAXPENDING)
		return;
	tail = (q.head + q.n) % MAXPENDING;
	if ((q.f[tail] = malloc(len + 1)) == NULL)
		abort();
	memcpy(q.f[tail], f, len);
	q.len[tail] = len;
	q.n++;
	gro_offer(g, f, len);
}

/* The IP length fields of a frame as its length says. */
static void
fit_lengths(uint8_t *f, size_t len)
{
	if (len >= 14 + 20 && get16(f + 12) == 0x0800)
		put16(f + 14 + 2, (uint16_t)(len - 14));
	else if (len >= 14 + 40 && get16(f + 12) == 0x86dd)
		put16(f + 14 + 4, (uint16_t)(len - 14 - 40));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 prev[MAXFRAME], f[MAXFRAME];
	static struct ifio io;
	struct gro	 g;
	uint64_t	 drops = 0;
	size_t		 i = 0, len, prevlen = 0, l4, hdrlen, plen, k;
	int		 v6, tcp;
	uint8_t		 op;

	memset(&q, 0, sizeof(q));
	if (gro_init(&g, &io, &drops) == -1)
		abort();
	while (i < size) {
		op = data[i++];
		switch (op & 3) {
		case 0:
			if (size - i < 2)
				goto done;
			len = (data[i] | data[i + 1] << 8) % (MAXFRAME + 1);
			i += 2;
			if (len > size - i)
				len = size - i;
			memcpy(f, data + i, len);
			i += len;
			if (op & 4)
				fit_lengths(f, len);
			break;
		case 1:
			if (prevlen == 0 || size - i < 2)
				goto done;
			plen = (data[i] | data[i + 1] << 8) % (MAXFRAME + 1);
			i += 2;
			tcp = tcp_offsets(prev, prevlen, &l4, &hdrlen, &v6) == 0;
			if (!tcp)
				hdrlen = prevlen < 54 ? prevlen : 54;
			if (plen > MAXFRAME - hdrlen)
				plen = MAXFRAME - hdrlen;
			memcpy(f, prev, hdrlen);
			for (k = 0; k < plen; k++)
				f[hdrlen + k] = (uint8_t)(k * 31 + plen);
			len = hdrlen + plen;
			if (tcp)
				put32(f + l4 + 4, get32(prev + l4 + 4) +
				    (uint32_t)(prevlen - hdrlen));
			if ((op & 4) && i < size) {
				if (tcp)
					f[l4 + 13] = data[i];
				i++;
			}
			if ((op & 8) && size - i >= 2) {
				f[data[i] % len] ^= data[i + 1];
				i += 2;
			}
			fit_lengths(f, len);
			break;
		case 2:
			gro_flush(&g);
			continue;
		default:
			q.refuse = (op & 4) != 0;
			continue;
		}
		/* The data path delivers nothing shorter. */
		if (len < 12)
			continue;
		offer(&g, f, len);
		memcpy(prev, f, len);
		prevlen = len;
	}
done:
	gro_flush(&g);
	/* Everything reached the TAP; what was refused, counted. */
	if (q.n != 0 || drops != q.refused)
		abort();
	gro_free(&g);
	return 0;
}
