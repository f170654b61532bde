/*
 * TCP segmentation in user space: see engine_gso.h.
 */
#include <sys/types.h>

#include <string.h>

#include "engine_gso.h"

#define ETH_HLEN	14
#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define IPPROTO_TCP_	6
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* One's complement sum of 16-bit big-endian words, carries kept. */
uint64_t
gso_csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	uint32_t	w;

	while (len >= 4) {
		memcpy(&w, p, 4);
		sum += w;	/* host order words sum to the same fold */
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		uint16_t h = 0;

		memcpy(&h, p, 1);
		sum += h;
	}
	return sum;
}

/* Folds to 16 bits and returns it in network byte order as a value. */
uint16_t
gso_csum_fold(uint64_t sum)
{
	uint8_t		b[2];
	uint16_t	h;

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h = (uint16_t)~sum;
	/* The sum was of host-order words: put the bytes back in place. */
	memcpy(b, &h, 2);
	return get16(b);
}

int
gso_finish_csum(const struct gso_vnet_hdr *vh, uint8_t *frame, size_t len)
{
	size_t	start = vh->csum_start, at = start + vh->csum_offset;

	if (!(vh->flags & GSO_F_NEEDS_CSUM))
		return 0;
	if (start >= len || at + 2 > len)
		return -1;
	/* The kernel left the pseudo-header's sum in the field. */
	put16(frame + at, gso_csum_fold(gso_csum_add(0, frame + start,
	    len - start)));
	return 0;
}

int
gso_start(struct gso_iter *it, const struct gso_vnet_hdr *vh,
    const uint8_t *frame, size_t len)
{
	size_t	ihl, thl;
	int	type = vh->gso_type & ~GSO_TYPE_ECN;

	memset(it, 0, sizeof(it[0]));
	if ((type != GSO_TYPE_TCPV4 && type != GSO_TYPE_TCPV6) ||
	    vh->gso_size == 0 || len < ETH_HLEN)
		return -1;
	it->l3 = ETH_HLEN;
	if (type == GSO_TYPE_TCPV4) {
		if (get16(frame + 12) != ETHERTYPE_IP || len < ETH_HLEN + 20)
			return -1;
		ihl = (frame[ETH_HLEN] & 0x0f) * 4;
		if ((frame[ETH_HLEN] >> 4) != 4 || ihl < 20 ||
		    frame[ETH_HLEN + 9] != IPPROTO_TCP_)
			return -1;
		it->ipid = get16(frame + ETH_HLEN + 4);
	} else {
		if (get16(frame + 12) != ETHERTYPE_IPV6 ||
		    len < ETH_HLEN + 40 || (frame[ETH_HLEN] >> 4) != 6 ||
		    frame[ETH_HLEN + 6] != IPPROTO_TCP_)
			return -1;	/* extension headers: not cut here */
		ihl = 40;
		it->v6 = 1;
	}
	it->l4 = ETH_HLEN + ihl;
	if (it->l4 + 20 > len)
		return -1;
	thl = (frame[it->l4 + 12] >> 4) * 4;
	if (thl < 20 || it->l4 + thl > len)
		return -1;
	it->hdrlen = it->l4 + thl;
	it->frame = frame;
	it->len = len;
	it->mss = vh->gso_size;
	it->off = it->hdrlen;
	it->seq = get32(frame + it->l4 + 4);
	return 0;
}

ssize_t
gso_next(struct gso_iter *it, uint8_t *out, size_t cap)
{
	size_t		 n, seglen, tcplen;
	uint64_t	 sum;
	uint8_t		*tcp, *ip;
	uint8_t		 flags, pseudo[8];
	int		 last;

	if (it->off >= it->len) {
		/* A superframe of headers alone is one segment. */
		if (it->nseg > 0 || it->hdrlen != it->len)
			return 0;
	}
	n = it->len - it->off;
	if (n > it->mss)
		n = it->mss;
	last = it->off + n >= it->len;
	seglen = it->hdrlen + n;
	if (seglen > cap)
		return -1;
	memcpy(out, it->frame, it->hdrlen);
	memcpy(out + it->hdrlen, it->frame + it->off, n);
	ip = out + it->l3;
	tcp = out + it->l4;
	tcplen = seglen - it->l4;

	put32(tcp + 4, it->seq + (uint32_t)(it->off - it->hdrlen));
	/* FIN and PSH belong to the last segment, CWR to the first. */
	flags = tcp[13];
	if (!last)
		flags &= ~(TCP_FIN | TCP_PSH);
	if (it->nseg > 0)
		flags &= ~TCP_CWR;
	tcp[13] = flags;

	if (!it->v6) {
		put16(ip + 2, (uint16_t)(seglen - it->l3));
		put16(ip + 4, (uint16_t)(it->ipid + it->nseg));
		put16(ip + 10, 0);
		put16(ip + 10, gso_csum_fold(gso_csum_add(0, ip,
		    it->l4 - it->l3)));
		/* Pseudo-header: addresses, protocol, TCP length. */
		sum = gso_csum_add(0, ip + 12, 8);
		pseudo[0] = 0;
		pseudo[1] = IPPROTO_TCP_;
		put16(pseudo + 2, (uint16_t)tcplen);
		sum = gso_csum_add(sum, pseudo, 4);
	} else {
		put16(ip + 4, (uint16_t)(seglen - it->l4));
		sum = gso_csum_add(0, ip + 8, 32);
		put32(pseudo, (uint32_t)tcplen);
		pseudo[4] = pseudo[5] = pseudo[6] = 0;
		pseudo[7] = IPPROTO_TCP_;
		sum = gso_csum_add(sum, pseudo, 8);
	}
	put16(tcp + 16, 0);
	sum = gso_csum_add(sum, tcp, tcplen);
	put16(tcp + 16, gso_csum_fold(sum));

	it->off += n;
	it->nseg++;
	return (ssize_t)seglen;
}

/* Offsets of a plain TCP segment (IPv4 or IPv6 without extensions). */
static int
tcp_frame(const uint8_t *f, size_t len, size_t *l4, size_t *hdrlen, int *v6)
{
	size_t	ihl, thl;

	if (len < ETH_HLEN + 20)
		return -1;
	if (get16(f + 12) == ETHERTYPE_IP) {
		ihl = (f[ETH_HLEN] & 0x0f) * 4;
		if ((f[ETH_HLEN] >> 4) != 4 || ihl < 20 ||
		    f[ETH_HLEN + 9] != IPPROTO_TCP_ ||
		    get16(f + ETH_HLEN + 2) != len - ETH_HLEN ||
		    (get16(f + ETH_HLEN + 6) & 0x3fff) != 0)	/* fragments */
			return -1;
		*v6 = 0;
	} else if (get16(f + 12) == ETHERTYPE_IPV6) {
		if (len < ETH_HLEN + 40 || (f[ETH_HLEN] >> 4) != 6 ||
		    f[ETH_HLEN + 6] != IPPROTO_TCP_ ||
		    get16(f + ETH_HLEN + 4) != len - ETH_HLEN - 40)
			return -1;
		ihl = 40;
		*v6 = 1;
	} else
		return -1;
	*l4 = ETH_HLEN + ihl;
	if (*l4 + 20 > len)
		return -1;
	thl = (f[*l4 + 12] >> 4) * 4;
	if (thl < 20 || *l4 + thl > len)
		return -1;
	*hdrlen = *l4 + thl;
	return 0;
}

int
gso_merge_start(struct gso_merge *m, const uint8_t *f, size_t len)
{
	size_t	l4, hdrlen;
	int	v6;

	m->len = 0;
	m->nseg = 0;
	if (tcp_frame(f, len, &l4, &hdrlen, &v6) == -1 || hdrlen == len ||
	    len > m->cap)
		return 0;
	/* Only plain data segments: ACK, maybe PSH; nothing else set. */
	if ((f[l4 + 13] & ~(TCP_PSH | 0x10)) != 0 || !(f[l4 + 13] & 0x10))
		return 0;
	memcpy(m->buf, f, len);
	m->len = len;
	m->l3 = ETH_HLEN;
	m->l4 = l4;
	m->hdrlen = hdrlen;
	m->v6 = v6;
	m->mss = len - hdrlen;
	m->nseg = 1;
	m->closed = (f[l4 + 13] & TCP_PSH) != 0;
	m->next_seq = get32(f + l4 + 4) + (uint32_t)m->mss;
	return 1;
}

int
gso_merge_add(struct gso_merge *m, const uint8_t *f, size_t len)
{
	const uint8_t	*a = m->buf;
	size_t		 l4, hdrlen, plen;
	int		 v6;

	if (m->nseg == 0 || m->closed)
		return 0;
	if (tcp_frame(f, len, &l4, &hdrlen, &v6) == -1 || v6 != m->v6 ||
	    l4 != m->l4 || hdrlen != m->hdrlen)
		return 0;
	plen = len - hdrlen;
	if (plen == 0 || plen > m->mss || m->len + plen > m->cap ||
	    m->len + plen - m->l3 > 65535)
		return 0;
	/* Same addresses: Ethernet, then IP. */
	if (memcmp(a, f, 12) != 0)
		return 0;
	if (!v6) {
		if (memcmp(a + m->l3 + 12, f + m->l3 + 12, 8) != 0 ||
		    a[m->l3 + 1] != f[m->l3 + 1] ||	/* TOS */
		    a[m->l3 + 8] != f[m->l3 + 8] ||	/* TTL */
		    a[m->l3 + 6] != f[m->l3 + 6] ||	/* DF, reserved */
		    memcmp(a + m->l3 + 20, f + m->l3 + 20, l4 - m->l3 - 20))
			return 0;
	} else if (memcmp(a + m->l3, f + m->l3, 4) != 0 ||
	    memcmp(a + m->l3 + 7, f + m->l3 + 7, 33) != 0)
		return 0;
	/* Same ports, the next sequence number, same ack, reserved bits
	 * (AccECN's AE among them), window and options; plain data with,
	 * at most, PSH to end it. */
	if (memcmp(a + l4, f + l4, 4) != 0 ||
	    get32(f + l4 + 4) != m->next_seq ||
	    memcmp(a + l4 + 8, f + l4 + 8, 5) != 0 ||
	    memcmp(a + l4 + 14, f + l4 + 14, 2) != 0 ||
	    memcmp(a + l4 + 20, f + l4 + 20, hdrlen - l4 - 20) != 0 ||
	    (f[l4 + 13] & ~TCP_PSH) != (a[l4 + 13] & ~TCP_PSH))
		return 0;
	memcpy(m->buf + m->len, f + hdrlen, plen);
	m->len += plen;
	m->nseg++;
	m->next_seq += (uint32_t)plen;
	if (plen < m->mss || (f[l4 + 13] & TCP_PSH)) {
		m->closed = 1;
		m->buf[l4 + 13] |= f[l4 + 13] & TCP_PSH;
	}
	return 1;
}

size_t
gso_merge_finish(struct gso_merge *m, struct gso_vnet_hdr *vh)
{
	uint8_t		*ip = m->buf + m->l3, *tcp = m->buf + m->l4;
	size_t		 tcplen = m->len - m->l4;
	uint64_t	 sum;
	uint8_t		 pseudo[8];

	memset(vh, 0, sizeof(*vh));
	if (m->nseg < 2) {
		/* A lone segment crossed WireGuard: checksums are fine. */
		vh->flags = GSO_F_DATA_VALID;
		return m->len;
	}
	if (!m->v6) {
		put16(ip + 2, (uint16_t)(m->len - m->l3));
		put16(ip + 10, 0);
		put16(ip + 10, gso_csum_fold(gso_csum_add(0, ip,
		    m->l4 - m->l3)));
		sum = gso_csum_add(0, ip + 12, 8);
		pseudo[0] = 0;
		pseudo[1] = IPPROTO_TCP_;
		put16(pseudo + 2, (uint16_t)tcplen);
		sum = gso_csum_add(sum, pseudo, 4);
	} else {
		put16(ip + 4, (uint16_t)(m->len - m->l4));
		sum = gso_csum_add(0, ip + 8, 32);
		put32(pseudo, (uint32_t)tcplen);
		pseudo[4] = pseudo[5] = pseudo[6] = 0;
		pseudo[7] = IPPROTO_TCP_;
		sum = gso_csum_add(sum, pseudo, 8);
	}
	/* The field holds the pseudo-header's sum, not complemented. */
	put16(tcp + 16, (uint16_t)~gso_csum_fold(sum));
	vh->flags = GSO_F_NEEDS_CSUM;
	vh->gso_type = m->v6 ? GSO_TYPE_TCPV6 : GSO_TYPE_TCPV4;
	vh->hdr_len = (uint16_t)m->hdrlen;
	vh->gso_size = (uint16_t)m->mss;
	vh->csum_start = (uint16_t)m->l4;
	vh->csum_offset = 16;
	return m->len;
}
