/*
 * The dup check's cache: see ovldup.h.  Every entry lives for the same
 * timeout, so insertion order is expiry order and a ring holds them; a
 * hash of doubly linked chains finds a digest and lets the oldest entry
 * leave its chain in constant time.
 */
#include <stdlib.h>
#include <string.h>

#include "ovldup.h"

/* IEEE 802.3 CRC32, reflected, as zlib's crc32(): built on first use. */
static uint32_t	crc_table[256];
static int	crc_ready;

static void
crc_init(void)
{
	uint32_t	c, i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	crc_ready = 1;
}

uint32_t
ovl_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
	if (!crc_ready)
		crc_init();
	crc = ~crc;
	while (len-- > 0)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t
ovldup_digest(uint8_t usage, const uint8_t *payload, size_t len)
{
	return ovl_crc32(ovl_crc32(0, &usage, 1), payload, len);
}

int
ovldup_init(struct ovldup *d, uint32_t cap, uint64_t timeout_ns,
    uint32_t salt)
{
	uint32_t	nb = 1, i;

	memset(d, 0, sizeof(*d));
	if (cap == 0 || cap > (1U << 24))
		return -1;
	while (nb < cap)
		nb <<= 1;
	d->d_ent = calloc(cap, sizeof(*d->d_ent));
	d->d_bucket = calloc(nb, sizeof(*d->d_bucket));
	if (d->d_ent == NULL || d->d_bucket == NULL) {
		ovldup_free(d);
		return -1;
	}
	for (i = 0; i < nb; i++)
		d->d_bucket[i] = -1;
	d->d_cap = cap;
	d->d_mask = nb - 1;
	d->d_timeout_ns = timeout_ns;
	d->d_salt = salt;
	return 0;
}

void
ovldup_free(struct ovldup *d)
{
	free(d->d_ent);
	free(d->d_bucket);
	memset(d, 0, sizeof(*d));
}

void
ovldup_set_timeout(struct ovldup *d, uint64_t timeout_ns)
{
	d->d_timeout_ns = timeout_ns;
}

/*
 * A sender picks its payloads, so it can pick digests that share low
 * bits; mixed with a salt it does not know, they land in any bucket.
 */
static uint32_t
bucket_of(const struct ovldup *d, uint32_t crc)
{
	uint32_t	h = crc ^ d->d_salt;

	h ^= h >> 16;
	h *= 0x7feb352dU;
	h ^= h >> 15;
	h *= 0x846ca68bU;
	h ^= h >> 16;
	return h & d->d_mask;
}

static void
expire(struct ovldup *d, uint64_t now)
{
	struct ovldup_ent	*e;

	while (d->d_count > 0) {
		e = &d->d_ent[d->d_head];
		if (e->e_expires > now)
			break;
		if (e->e_prev == -1)
			d->d_bucket[bucket_of(d, e->e_crc)] = e->e_next;
		else
			d->d_ent[e->e_prev].e_next = e->e_next;
		if (e->e_next != -1)
			d->d_ent[e->e_next].e_prev = e->e_prev;
		d->d_head = (d->d_head + 1) % d->d_cap;
		d->d_count--;
	}
}

int
ovldup_seen(struct ovldup *d, uint32_t crc, uint64_t now)
{
	int32_t	i;

	expire(d, now);
	for (i = d->d_bucket[bucket_of(d, crc)]; i != -1;
	    i = d->d_ent[i].e_next)
		if (d->d_ent[i].e_crc == crc && d->d_ent[i].e_expires > now)
			return 1;
	return 0;
}

enum ovldup_result
ovldup_check(struct ovldup *d, uint32_t crc, uint64_t now)
{
	struct ovldup_ent	*e;
	uint32_t		 b;
	int32_t			 i;

	if (ovldup_seen(d, crc, now))
		return OVLDUP_SEEN;
	b = bucket_of(d, crc);
	if (d->d_count == d->d_cap)
		return OVLDUP_FULL;
	i = (int32_t)((d->d_head + d->d_count) % d->d_cap);
	e = &d->d_ent[i];
	e->e_crc = crc;
	e->e_expires = now + d->d_timeout_ns;
	e->e_prev = -1;
	e->e_next = d->d_bucket[b];
	if (e->e_next != -1)
		d->d_ent[e->e_next].e_prev = i;
	d->d_bucket[b] = i;
	d->d_count++;
	return OVLDUP_NEW;
}

uint32_t
ovldup_count(struct ovldup *d, uint64_t now)
{
	expire(d, now);
	return d->d_count;
}
