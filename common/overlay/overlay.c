/*
 * The overlay header: see overlay.h.
 */
#include <stdint.h>
#include <string.h>

#include "overlay.h"

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

enum ovl_error
ovl_parse(const uint8_t *buf, size_t len, struct ovl_hdr *h)
{
	if (len < OVL_HDR_LEN)
		return OVL_ERR_SHORT;
	h->version = buf[0];
	h->usage = buf[1];
	h->ttl = buf[2];
	h->flags = buf[3];
	h->dst = get16(buf + 4);
	h->src = get16(buf + 6);
	h->len = get16(buf + 8);
	h->reserved = get16(buf + 10);
	if (h->version != OVL_VERSION)
		return OVL_ERR_VERSION;
	if (h->usage >= OVL_USAGE_MAX)
		return OVL_ERR_USAGE;
	if (h->flags != 0 || h->reserved != 0)
		return OVL_ERR_FLAGS;
	if (h->len > len - OVL_HDR_LEN)
		return OVL_ERR_LENGTH;
	return OVL_OK;
}

void
ovl_write(uint8_t *buf, const struct ovl_hdr *h)
{
	buf[0] = h->version;
	buf[1] = h->usage;
	buf[2] = h->ttl;
	buf[3] = h->flags;
	put16(buf + 4, h->dst);
	put16(buf + 6, h->src);
	put16(buf + 8, h->len);
	put16(buf + 10, h->reserved);
}

size_t
ovl_write_control(uint8_t *buf, uint8_t usage, uint16_t src, uint16_t dst,
    const uint8_t *payload, size_t len)
{
	struct ovl_hdr	h;

	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = usage;
	h.dst = dst;
	h.src = src;
	h.len = len;
	ovl_write(buf, &h);
	memcpy(buf + OVL_HDR_LEN, payload, len);
	return OVL_HDR_LEN + len;
}

const char *
ovl_error_str(enum ovl_error e)
{
	switch (e) {
	case OVL_OK:
		return "ok";
	case OVL_ERR_SHORT:
		return "short header";
	case OVL_ERR_VERSION:
		return "bad version";
	case OVL_ERR_USAGE:
		return "unknown usage";
	case OVL_ERR_FLAGS:
		return "reserved bits set";
	case OVL_ERR_LENGTH:
		return "bad length";
	}
	return "?";
}

const char *
ovl_usage_str(uint8_t usage)
{
	static const char *names[OVL_USAGE_MAX] = {
		[OVL_FRAME] = "frame",
		[OVL_REGISTER] = "register",
		[OVL_PING] = "ping",
		[OVL_PONG] = "pong",
		[OVL_SERVER_UPDATE] = "server-update",
		[OVL_QUERY_PEER] = "query-peer",
		[OVL_BROADCAST_PEER] = "broadcast-peer",
	};

	return usage < OVL_USAGE_MAX ? names[usage] : "unknown";
}
