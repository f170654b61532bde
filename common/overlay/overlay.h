/*
 * The overlay header: what every frame and control message carries
 * inside the plaintext of a WireGuard transport message.  Because it is
 * inside the AEAD, every field is authenticated hop by hop (EtherGuard-Go
 * put usage and TTL in WireGuard's reserved header bytes, in the clear).
 * The wire format is described in doc/protocol.md.
 *
 *	0      1      2      3      4             6             8
 *	+------+------+------+------+-------------+-------------+
 *	| ver  | usage| ttl  | flags| dst NodeID  | src NodeID  |
 *	+------+------+------+------+-------------+-------------+
 *	| payload length            | payload ... (then padding)
 *	+-------------+-------------+
 *	8            10            12
 *
 * Multi-byte fields are big-endian.  The payload length lets the
 * receiver drop WireGuard's padding, so padding never reaches the
 * interface.
 */
#ifndef EG_OVERLAY_H
#define EG_OVERLAY_H

#include <stddef.h>
#include <stdint.h>

#define OVL_VERSION		1
#define OVL_HDR_LEN		12

enum ovl_usage {
	OVL_FRAME = 0,		/* an Ethernet frame */
	OVL_REGISTER,		/* edge -> supernode */
	OVL_PING,
	OVL_PONG,
	OVL_SERVER_UPDATE,
	OVL_QUERY_PEER,
	OVL_BROADCAST_PEER,
	OVL_USAGE_MAX
};

struct ovl_hdr {
	uint8_t		version;
	uint8_t		usage;
	uint8_t		ttl;
	uint8_t		flags;		/* none defined: must be zero */
	uint16_t	dst;
	uint16_t	src;
	uint16_t	len;		/* payload bytes after the header */
	uint16_t	reserved;	/* zero */
};

enum ovl_error {
	OVL_OK = 0,
	OVL_ERR_SHORT,		/* fewer bytes than a header */
	OVL_ERR_VERSION,	/* a version we do not speak */
	OVL_ERR_USAGE,		/* unknown usage */
	OVL_ERR_FLAGS,		/* reserved bits set */
	OVL_ERR_LENGTH		/* payload length beyond the bytes there */
};

/* Checks and decodes a header at buf; OVL_OK or the reason to drop. */
enum ovl_error	ovl_parse(const uint8_t *buf, size_t len, struct ovl_hdr *);
void		ovl_write(uint8_t *buf, const struct ovl_hdr *);
/*
 * A control message at buf: its header (TTL 0: one hop) and len
 * (<= 65535) bytes of payload.  Returns the bytes written.
 */
size_t		ovl_write_control(uint8_t *buf, uint8_t usage, uint16_t src,
		    uint16_t dst, const uint8_t *payload, size_t len);
const char	*ovl_error_str(enum ovl_error);
const char	*ovl_usage_str(uint8_t usage);

#endif /* EG_OVERLAY_H */
