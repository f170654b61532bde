/*
 * Control message encodings: see ovlmsg.h.  Multi-byte integers are
 * big-endian; doubles travel as their IEEE 754 bits, big-endian.  A
 * message has an exact length: trailing bytes are an error, as are
 * values out of range.
 */
#include <sys/types.h>

#include <math.h>
#include <string.h>

#include "ovlmsg.h"

struct wr {
	uint8_t	*p;
	size_t	 len;
	size_t	 cap;
	int	 bad;
};

struct rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	int		 bad;
};

static void
w_bytes(struct wr *w, const void *src, size_t n)
{
	if (w->bad || w->cap - w->len < n) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void
w_u8(struct wr *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void
w_u16(struct wr *w, uint16_t v)
{
	uint8_t	b[2] = { v >> 8, v & 0xff };

	w_bytes(w, b, 2);
}

static void
w_u32(struct wr *w, uint32_t v)
{
	uint8_t	b[4] = { v >> 24, v >> 16, v >> 8, v };

	w_bytes(w, b, 4);
}

static void
w_u64(struct wr *w, uint64_t v)
{
	w_u32(w, v >> 32);
	w_u32(w, (uint32_t)v);
}

static void
w_double(struct wr *w, double d)
{
	uint64_t	bits;

	memcpy(&bits, &d, sizeof(bits));
	w_u64(w, bits);
}

static void
w_str(struct wr *w, const char *s, size_t max)
{
	size_t	n = strnlen(s, max + 1);

	if (n > max) {
		w->bad = 1;
		return;
	}
	w_u8(w, (uint8_t)n);
	w_bytes(w, s, n);
}

static ssize_t
w_done(struct wr *w)
{
	return w->bad ? -1 : (ssize_t)w->len;
}

static void
r_bytes(struct rd *r, void *dst, size_t n)
{
	if (r->bad || r->len - r->off < n) {
		r->bad = 1;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p + r->off, n);
	r->off += n;
}

static uint8_t
r_u8(struct rd *r)
{
	uint8_t	v;

	r_bytes(r, &v, 1);
	return v;
}

static uint16_t
r_u16(struct rd *r)
{
	uint8_t	b[2];

	r_bytes(r, b, 2);
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
r_u32(struct rd *r)
{
	uint8_t	b[4];

	r_bytes(r, b, 4);
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static uint64_t
r_u64(struct rd *r)
{
	uint64_t	hi = r_u32(r);

	return hi << 32 | r_u32(r);
}

/* A finite double within [lo, hi]. */
static double
r_double(struct rd *r, double lo, double hi)
{
	uint64_t	bits = r_u64(r);
	double		d;

	memcpy(&d, &bits, sizeof(d));
	if (!isfinite(d) || d < lo || d > hi)
		r->bad = 1;
	return d;
}

/* A printable ASCII string of at most max bytes, NUL-terminated. */
static void
r_str(struct rd *r, char *dst, size_t max)
{
	size_t	n = r_u8(r), i;

	if (n > max) {
		r->bad = 1;
		dst[0] = '\0';
		return;
	}
	r_bytes(r, dst, n);
	dst[n] = '\0';
	for (i = 0; i < n; i++)
		if (dst[i] < 0x20 || dst[i] > 0x7e)
			r->bad = 1;
}

/* The version byte, then a zero or a value byte checked by the caller. */
static int
r_start(struct rd *r, const uint8_t *buf, size_t len)
{
	r->p = buf;
	r->len = len;
	r->off = 0;
	r->bad = 0;
	return r_u8(r) == OVLMSG_VERSION;
}

static int
r_done(struct rd *r)
{
	return r->bad || r->off != r->len ? -1 : 0;
}

ssize_t
ovlmsg_register_encode(const struct ovlmsg_register *m, uint8_t *buf,
    size_t cap)
{
	struct wr	w = { buf, 0, cap, 0 };

	w_u8(&w, OVLMSG_VERSION);
	w_u8(&w, 0);
	w_u16(&w, m->node_id);
	w_str(&w, m->swver, OVLMSG_SWVER_MAX);
	w_bytes(&w, m->hash, sizeof(m->hash));
	return w_done(&w);
}

int
ovlmsg_register_decode(const uint8_t *buf, size_t len,
    struct ovlmsg_register *m)
{
	struct rd	r;

	memset(m, 0, sizeof(*m));
	if (!r_start(&r, buf, len) || r_u8(&r) != 0)
		return -1;
	m->node_id = r_u16(&r);
	r_str(&r, m->swver, OVLMSG_SWVER_MAX);
	r_bytes(&r, m->hash, sizeof(m->hash));
	return r_done(&r);
}

ssize_t
ovlmsg_ping_encode(const struct ovlmsg_ping *m, uint8_t *buf, size_t cap)
{
	struct wr	w = { buf, 0, cap, 0 };

	w_u8(&w, OVLMSG_VERSION);
	w_u8(&w, 0);
	w_u16(&w, m->src);
	w_u32(&w, m->seq);
	w_u64(&w, (uint64_t)m->sent_ns);
	return w_done(&w);
}

int
ovlmsg_ping_decode(const uint8_t *buf, size_t len, struct ovlmsg_ping *m)
{
	struct rd	r;

	memset(m, 0, sizeof(*m));
	if (!r_start(&r, buf, len) || r_u8(&r) != 0)
		return -1;
	m->src = r_u16(&r);
	m->seq = r_u32(&r);
	m->sent_ns = (int64_t)r_u64(&r);
	return r_done(&r);
}

ssize_t
ovlmsg_pong_encode(const struct ovlmsg_pong *m, uint8_t *buf, size_t cap)
{
	struct wr	w = { buf, 0, cap, 0 };

	w_u8(&w, OVLMSG_VERSION);
	w_u8(&w, 0);
	w_u16(&w, m->src);
	w_u16(&w, m->dst);
	w_u16(&w, 0);
	w_u32(&w, m->seq);
	w_double(&w, m->latency_ms);
	w_double(&w, m->lifetime_s);
	w_double(&w, m->additional_cost);
	return w_done(&w);
}

int
ovlmsg_pong_decode(const uint8_t *buf, size_t len, struct ovlmsg_pong *m)
{
	struct rd	r;

	memset(m, 0, sizeof(*m));
	if (!r_start(&r, buf, len) || r_u8(&r) != 0)
		return -1;
	m->src = r_u16(&r);
	m->dst = r_u16(&r);
	if (r_u16(&r) != 0)
		return -1;
	m->seq = r_u32(&r);
	/* A day either way covers any clock offset worth measuring. */
	m->latency_ms = r_double(&r, -86400e3, 86400e3);
	m->lifetime_s = r_double(&r, 0, 86400);
	m->additional_cost = r_double(&r, -1, 1e9);
	/*
	 * A link between two nodes that may exist, with a lifetime left:
	 * what route takes (egd's stops at anything else).
	 */
	if (m->src == m->dst || m->src > OVLMSG_NODEID_MAX ||
	    m->dst > OVLMSG_NODEID_MAX || !(m->lifetime_s > 0))
		return -1;
	return r_done(&r);
}

ssize_t
ovlmsg_update_encode(const struct ovlmsg_update *m, uint8_t *buf,
    size_t cap)
{
	struct wr	w = { buf, 0, cap, 0 };

	w_u8(&w, OVLMSG_VERSION);
	w_u8(&w, m->action);
	w_u8(&w, m->reason);
	w_u8(&w, 0);
	w_bytes(&w, m->hash, sizeof(m->hash));
	w_str(&w, m->text, OVLMSG_REASON_MAX);
	return w_done(&w);
}

int
ovlmsg_update_decode(const uint8_t *buf, size_t len, struct ovlmsg_update *m)
{
	struct rd	r;

	memset(m, 0, sizeof(*m));
	if (!r_start(&r, buf, len))
		return -1;
	m->action = r_u8(&r);
	m->reason = r_u8(&r);
	if (r_u8(&r) != 0)
		return -1;
	r_bytes(&r, m->hash, sizeof(m->hash));
	r_str(&r, m->text, OVLMSG_REASON_MAX);
	if (m->action > OVLMSG_SHUTDOWN || m->reason >= OVLMSG_R_MAX)
		return -1;
	if ((m->action == OVLMSG_UPDATE) != (m->reason == OVLMSG_R_NONE))
		return -1;
	return r_done(&r);
}

ssize_t
ovlmsg_querypeer_encode(const struct ovlmsg_querypeer *m, uint8_t *buf,
    size_t cap)
{
	struct wr	w = { buf, 0, cap, 0 };

	w_u8(&w, OVLMSG_VERSION);
	w_u8(&w, 0);
	w_u16(&w, m->requester);
	w_u32(&w, m->nonce);
	return w_done(&w);
}

int
ovlmsg_querypeer_decode(const uint8_t *buf, size_t len,
    struct ovlmsg_querypeer *m)
{
	struct rd	r;

	memset(m, 0, sizeof(*m));
	if (!r_start(&r, buf, len) || r_u8(&r) != 0)
		return -1;
	m->requester = r_u16(&r);
	m->nonce = r_u32(&r);
	if (m->requester > OVLMSG_NODEID_MAX)
		return -1;
	return r_done(&r);
}

static size_t
af_addrlen(uint8_t af)
{
	switch (af) {
	case OVLMSG_AF_INET:
		return 4;
	case OVLMSG_AF_INET6:
		return 16;
	default:
		return 0;
	}
}

ssize_t
ovlmsg_bcastpeer_encode(const struct ovlmsg_bcastpeer *m, uint8_t *buf,
    size_t cap)
{
	struct wr	w = { buf, 0, cap, 0 };

	if (m->af > OVLMSG_AF_INET6)
		return -1;
	w_u8(&w, OVLMSG_VERSION);
	w_u8(&w, m->af);
	w_u16(&w, m->node_id);
	w_u16(&w, m->query_id);
	w_u16(&w, m->port);
	w_bytes(&w, m->pubkey, sizeof(m->pubkey));
	w_bytes(&w, m->addr, af_addrlen(m->af));
	return w_done(&w);
}

int
ovlmsg_bcastpeer_decode(const uint8_t *buf, size_t len,
    struct ovlmsg_bcastpeer *m)
{
	struct rd	r;

	memset(m, 0, sizeof(*m));
	if (!r_start(&r, buf, len))
		return -1;
	m->af = r_u8(&r);
	if (m->af > OVLMSG_AF_INET6)
		return -1;
	m->node_id = r_u16(&r);
	m->query_id = r_u16(&r);
	m->port = r_u16(&r);
	r_bytes(&r, m->pubkey, sizeof(m->pubkey));
	r_bytes(&r, m->addr, af_addrlen(m->af));
	/* An endpoint has a port, and no endpoint has none. */
	if ((m->af == OVLMSG_AF_NONE) != (m->port == 0))
		return -1;
	if (m->node_id > OVLMSG_NODEID_MAX || m->query_id > OVLMSG_NODEID_MAX)
		return -1;
	return r_done(&r);
}
