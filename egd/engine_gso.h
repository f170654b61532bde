/*
 * TCP segmentation in user space, for a TAP device with offloads: the
 * kernel hands us TCP "superframes" of up to 64 KiB with a virtio_net
 * header saying how to cut them (gso_size) and where the checksum is
 * left to fill.  Reading one superframe instead of dozens of frames is
 * what makes the TAP side cheap; cutting it here costs a copy of the
 * headers and a checksum per segment.
 *
 * Pure: no I/O.  Frames are Ethernet (an optional 802.1Q tag is not
 * supported: such superframes are refused, and the caller drops them).
 */
#ifndef EG_GSO_H
#define EG_GSO_H

#include <stddef.h>
#include <stdint.h>

/* The virtio_net header TUN/TAP uses, in host byte order. */
struct gso_vnet_hdr {
	uint8_t		flags;
#define GSO_F_NEEDS_CSUM	1
#define GSO_F_DATA_VALID	2
	uint8_t		gso_type;
#define GSO_TYPE_NONE		0
#define GSO_TYPE_TCPV4		1
#define GSO_TYPE_UDP		3
#define GSO_TYPE_TCPV6		4
#define GSO_TYPE_ECN		0x80
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
};

#define GSO_VNET_HDR_LEN	10

struct gso_iter {
	const uint8_t	*frame;
	size_t		 len;
	size_t		 hdrlen;	/* Ethernet + IP + TCP */
	size_t		 l3;		/* offset of the IP header */
	size_t		 l4;		/* offset of the TCP header */
	size_t		 mss;
	size_t		 off;		/* next payload byte */
	int		 v6;
	uint32_t	 seq;
	uint16_t	 ipid;
	int		 nseg;
};

/*
 * A frame without segmentation whose checksum is left to us: fill it.
 * -1 if the offsets do not fit the frame.
 */
int	gso_finish_csum(const struct gso_vnet_hdr *, uint8_t *frame,
	    size_t len);
/*
 * Start cutting a TCP superframe; -1 if it is not one we can cut
 * (other types, 802.1Q, IP options beyond the frame, ...).
 */
int	gso_start(struct gso_iter *, const struct gso_vnet_hdr *,
	    const uint8_t *frame, size_t len);
/*
 * The next segment, complete with checksums, into out (cap bytes):
 * its length, 0 when there are no more, -1 if out is too small.
 */
ssize_t	gso_next(struct gso_iter *, uint8_t *out, size_t cap);

/*
 * The reverse, for frames going to the TAP: consecutive segments of one
 * TCP flow, as a sender's segmentation makes them, are put back into a
 * superframe that the kernel takes in one write (GRO in user space).
 */
struct gso_merge {
	uint8_t		*buf;		/* the superframe being built */
	size_t		 cap;
	size_t		 len;
	size_t		 l3, l4, hdrlen;
	size_t		 mss;		/* payload of the first segment */
	int		 v6;
	int		 nseg;
	int		 closed;	/* last segment was short or PSH */
	uint32_t	 next_seq;
};

/* Start a superframe with frame: 1, or 0 if it is not a TCP segment
 * that could be merged (it is then sent on its own). */
int	gso_merge_start(struct gso_merge *, const uint8_t *frame, size_t len);
/* Append a frame that continues the flow: 1, or 0 (m unchanged). */
int	gso_merge_add(struct gso_merge *, const uint8_t *frame, size_t len);
/*
 * Finish the superframe: lengths and the checksum field (the
 * pseudo-header's sum, left to the kernel) fixed; the virtio_net header
 * to write with it in vh.  Returns its length.
 */
size_t	gso_merge_finish(struct gso_merge *, struct gso_vnet_hdr *);

/* The Internet checksum of a buffer, added to sum (not folded). */
uint64_t gso_csum_add(uint64_t sum, const uint8_t *, size_t);
uint16_t gso_csum_fold(uint64_t sum);

#endif /* EG_GSO_H */
