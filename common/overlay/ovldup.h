/*
 * P2P mode's duplicate check for flooded control messages.  A message is
 * known by the CRC32 of its usage and payload, never of the header's src,
 * dst or TTL, so the copies that arrive over different paths look alike.
 * A digest is remembered for a fixed timeout; the cache has a fixed
 * size, and a message that finds it full is refused (counted), because
 * forgetting early would let a flood circle until its TTL runs out.
 *
 * Pure: the caller gives the time (monotonic ns) and the memory bound.
 */
#ifndef EG_OVLDUP_H
#define EG_OVLDUP_H

#include <stddef.h>
#include <stdint.h>

enum ovldup_result {
	OVLDUP_NEW,		/* first sighting, now remembered */
	OVLDUP_SEEN,		/* the same content within the timeout */
	OVLDUP_FULL		/* new, but no room: drop it */
};

struct ovldup_ent {
	uint32_t	e_crc;
	int32_t		e_next;		/* bucket chain, -1 ends */
	int32_t		e_prev;		/* -1: first in its bucket */
	uint64_t	e_expires;
};

struct ovldup {
	struct ovldup_ent	*d_ent;		/* a ring, oldest at d_head */
	int32_t			*d_bucket;
	uint32_t		 d_cap;
	uint32_t		 d_mask;	/* buckets - 1 */
	uint32_t		 d_head;
	uint32_t		 d_count;
	uint32_t		 d_salt;	/* spreads chosen digests */
	uint64_t		 d_timeout_ns;
};

uint32_t	ovl_crc32(uint32_t crc, const uint8_t *, size_t);
/* The digest the dup check keeps: of usage, then payload. */
uint32_t	ovldup_digest(uint8_t usage, const uint8_t *, size_t);

/* cap >= 1 entries; salt random per process.  -1 if out of memory. */
int		ovldup_init(struct ovldup *, uint32_t cap, uint64_t timeout_ns,
		    uint32_t salt);
void		ovldup_free(struct ovldup *);
/* A reload may change the timeout; entries remembered keep theirs. */
void		ovldup_set_timeout(struct ovldup *, uint64_t timeout_ns);
/* Forgets the expired digests; then whether crc is remembered. */
int		ovldup_seen(struct ovldup *, uint32_t crc, uint64_t now);
/* Forgets the expired digests; then looks crc up and remembers it. */
enum ovldup_result ovldup_check(struct ovldup *, uint32_t crc, uint64_t now);
/* Digests remembered at now. */
uint32_t	ovldup_count(struct ovldup *, uint64_t now);

#endif /* EG_OVLDUP_H */
