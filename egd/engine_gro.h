/*
 * Receive-side merging for a TAP with offloads (GRO in user space): the
 * frames the data path delivers go to the interface in order, but
 * consecutive segments of one TCP flow go as one superframe with a
 * virtio_net header (engine_gso.h's gso_merge), so that the kernel
 * takes dozens of them in one write.  Apart from the data path, so that
 * the order and the counting can be tested (and fuzzed) alone: it needs
 * only the interface's two writes.
 */
#ifndef EGD_GRO_H
#define EGD_GRO_H

#include <stddef.h>
#include <stdint.h>

#include "engine_gso.h"

struct ifio;

#define GRO_CAP		65536	/* the largest superframe, headers included */

struct gro {
	struct gso_merge	 m;
	struct ifio		*io;
	uint64_t		*write_drops;	/* frames the interface refused */
};

/* For io, counting refused frames in *write_drops; -1 without memory. */
int	gro_init(struct gro *, struct ifio *io, uint64_t *write_drops);
/*
 * A frame for the interface: merged with those before it, or, when it
 * does not continue them, what was merged goes first and the frame
 * starts anew or goes alone.
 */
void	gro_offer(struct gro *, uint8_t *frame, size_t len);
/* Write what was merged: the end of a batch. */
void	gro_flush(struct gro *);
void	gro_free(struct gro *);

#endif /* EGD_GRO_H */
