/*
 * Receive-side merging of TCP segments for the TAP: see engine_gro.h.
 */
#include <sys/types.h>

#include <stdlib.h>

#include <sodium.h>

#include "engine_gro.h"
#include "engine_ifio.h"

int
gro_init(struct gro *g, struct ifio *io, uint64_t *write_drops)
{
	void	*p;

	g->io = io;
	g->write_drops = write_drops;
	g->m.nseg = 0;
	g->m.len = 0;
	g->m.cap = GRO_CAP;
	/* Aligned like the packet buffers: checksums read whole words. */
	if (posix_memalign(&p, 64, g->m.cap) != 0) {
		g->m.buf = NULL;
		return -1;
	}
	g->m.buf = p;
	return 0;
}

void
gro_flush(struct gro *g)
{
	struct gso_vnet_hdr	vh;
	size_t			len;

	if (g->m.nseg == 0)
		return;
	len = gso_merge_finish(&g->m, &vh);
	if (ifio_write_vnet(g->io, &vh, g->m.buf, len) == -1)
		*g->write_drops += g->m.nseg;
	g->m.nseg = 0;
}

void
gro_offer(struct gro *g, uint8_t *frame, size_t len)
{
	if (g->m.nseg > 0 && gso_merge_add(&g->m, frame, len))
		return;
	gro_flush(g);
	if (gso_merge_start(&g->m, frame, len))
		return;
	if (ifio_write(g->io, frame, len) == -1)
		(*g->write_drops)++;
}

void
gro_free(struct gro *g)
{
	/* It held frames in the clear. */
	if (g->m.buf != NULL)
		sodium_memzero(g->m.buf, g->m.cap);
	free(g->m.buf);
	g->m.buf = NULL;
	g->m.nseg = 0;
}
