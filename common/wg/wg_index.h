/*
 * Receiver index table: the 32-bit indices we hand out in handshake
 * messages, mapped to the peer's pending handshake or to one of its
 * keypairs.  Open addressing with linear probing; the table is sized
 * ahead (wg_index_reserve) so that inserting never allocates, and it
 * stays at most half full, so lookups are O(1).
 */
#ifndef EG_WG_INDEX_H
#define EG_WG_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct wg_peer;
struct noise_keypair;

struct wg_index_entry {
	uint32_t		 idx;
	int			 used;
	struct wg_peer		*peer;
	struct noise_keypair	*keypair;	/* NULL: the peer's handshake */
};

struct wg_index {
	struct wg_index_entry	*slots;
	size_t			 nslots;	/* power of two */
	size_t			 count;
	size_t			 reserved;	/* entries promised */
};

void	wg_index_init(struct wg_index *);
void	wg_index_free(struct wg_index *);
/* Makes room for n more entries at load <= 1/2; -1 with ENOMEM. */
int	wg_index_reserve(struct wg_index *, size_t n);
/* Gives back room for n entries (a peer going away). */
void	wg_index_unreserve(struct wg_index *, size_t n);
/* -1 if idx is used already or the table is full. */
int	wg_index_insert(struct wg_index *, uint32_t idx, struct wg_peer *,
	    struct noise_keypair *);
struct wg_index_entry *wg_index_lookup(const struct wg_index *, uint32_t);
void	wg_index_remove(struct wg_index *, uint32_t);

#endif /* EG_WG_INDEX_H */
