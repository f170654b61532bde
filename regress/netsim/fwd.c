/*
 * The switch: frames read from one node's TAP go to the port that
 * learned their destination MAC, or to every other port when it is a
 * group address or unknown.  Each copy then crosses the ordered pair
 * (src, dst): it may be dropped (link down, loss), and waits in a delay
 * line, one min-heap of release times for all pairs, before it is
 * written to the destination TAP.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "netsim.h"

#define MACTAB_SIZE	4096		/* power of two */
#define MACTAB_FILL	2048		/* learn no more than this */
#define READ_BURST	64		/* frames per port per wakeup */

struct ns_count {
	uint64_t	frames;
	uint64_t	bytes;
};

struct ns_pair {
	uint64_t	delay_ns;
	uint64_t	jitter_ns;
	double		loss;
	int		down;
	uint32_t	limit;
	uint32_t	queued;
	uint64_t	last_release_ns;	/* keeps FIFO order */
	struct pair_stats {
		struct ns_count	sent;		/* offered to this pair */
		struct ns_count	delivered;
		struct ns_count	lost;		/* by the loss rate */
		struct ns_count	cut;		/* link down */
		struct ns_count	overflow;	/* queue limit reached */
		struct ns_count	txerr;		/* the TAP write failed */
	}		st;
};

struct ns_port {
	int		fd;
	unsigned char	mac[6];
	struct port_stats {
		struct ns_count	rx;	/* frames read */
		struct ns_count	runt;	/* shorter than an Ethernet header */
		struct ns_count	local;	/* addressed to their own port */
	}		st;
};

struct frame {
	uint64_t	release_ns;
	uint64_t	seq;		/* orders equal release times */
	uint16_t	src;
	uint16_t	dst;
	uint32_t	len;
	unsigned char	data[];
};

struct mac_entry {
	uint64_t	mac;		/* 0: free slot */
	int		port;
};

struct fwd {
	int		 nports;	/* ports 1..nports */
	struct ns_port	*ports;
	struct ns_pair	*pairs;		/* [src * (nports + 1) + dst] */
	struct frame	**heap;
	size_t		 heaplen;
	size_t		 heapcap;
	uint64_t	 seq;
	struct mac_entry mactab[MACTAB_SIZE];
	size_t		 macfill;
	uint64_t	 rng;
	unsigned char	 rxbuf[NS_FRAME_MAX];
};

uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct ns_pair *
pair_at(const struct fwd *f, int src, int dst)
{
	return &f->pairs[src * (f->nports + 1) + dst];
}

static void
count(struct ns_count *c, size_t len)
{
	c->frames++;
	c->bytes += len;
}

/* splitmix64: statistically sound and cheap enough for loss/jitter. */
static uint64_t
rng_next(struct fwd *f)
{
	uint64_t	z;

	f->rng += 0x9e3779b97f4a7c15ULL;
	z = f->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct fwd *f)
{
	return (double)(rng_next(f) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * Makes a switch of nports ports with every link up and no delay.
 * seed 0 draws a random seed.
 */
struct fwd *
fwd_new(int nports, uint64_t seed)
{
	struct fwd	*f;
	int		 i, j;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("calloc");
	f->nports = nports;
	if ((f->ports = calloc(nports + 1, sizeof(*f->ports))) == NULL ||
	    (f->pairs = calloc((size_t)(nports + 1) * (nports + 1),
	    sizeof(*f->pairs))) == NULL)
		fatal("calloc");
	for (i = 0; i <= nports; i++) {
		f->ports[i].fd = -1;
		for (j = 0; j <= nports; j++)
			pair_at(f, i, j)->limit = NS_LIMIT_DEFAULT;
	}
	if (seed == 0 && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		fatal("getrandom");
	f->rng = seed;
	return f;
}

void
fwd_free(struct fwd *f)
{
	size_t	i;

	for (i = 0; i < f->heaplen; i++)
		free(f->heap[i]);
	free(f->heap);
	free(f->pairs);
	free(f->ports);
	free(f);
}

static uint64_t
mac_key(const unsigned char *m)
{
	return (uint64_t)m[0] << 40 | (uint64_t)m[1] << 32 |
	    (uint64_t)m[2] << 24 | (uint64_t)m[3] << 16 |
	    (uint64_t)m[4] << 8 | m[5];
}

static size_t
mac_slot(uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 52) &
	    (MACTAB_SIZE - 1);
}

/* Port that learned mac, 0 if none. */
static int
mac_lookup(const struct fwd *f, const unsigned char *mac)
{
	uint64_t	key = mac_key(mac);
	size_t		i;

	for (i = mac_slot(key); f->mactab[i].mac != 0;
	    i = (i + 1) & (MACTAB_SIZE - 1))
		if (f->mactab[i].mac == key)
			return f->mactab[i].port;
	return 0;
}

static void
mac_learn(struct fwd *f, const unsigned char *mac, int port)
{
	uint64_t	key = mac_key(mac);
	size_t		i;

	if (key == 0)
		return;
	for (i = mac_slot(key); f->mactab[i].mac != 0;
	    i = (i + 1) & (MACTAB_SIZE - 1)) {
		if (f->mactab[i].mac == key) {
			f->mactab[i].port = port;	/* it moved */
			return;
		}
	}
	if (f->macfill >= MACTAB_FILL)
		return;				/* such frames flood */
	f->mactab[i].mac = key;
	f->mactab[i].port = port;
	f->macfill++;
}

/* Attaches TAP fd as port id, whose own frames come from mac. */
void
fwd_port(struct fwd *f, int id, int fd, const unsigned char *mac)
{
	f->ports[id].fd = fd;
	memcpy(f->ports[id].mac, mac, 6);
	mac_learn(f, mac, id);
}

static int
frame_before(const struct frame *a, const struct frame *b)
{
	if (a->release_ns != b->release_ns)
		return a->release_ns < b->release_ns;
	return a->seq < b->seq;
}

static int
heap_push(struct fwd *f, struct frame *fr)
{
	struct frame	**nh;
	size_t		  i, parent;

	if (f->heaplen == f->heapcap) {
		size_t ncap = f->heapcap ? f->heapcap * 2 : 1024;

		if ((nh = reallocarray(f->heap, ncap, sizeof(*nh))) == NULL)
			return -1;
		f->heap = nh;
		f->heapcap = ncap;
	}
	i = f->heaplen++;
	while (i > 0) {
		parent = (i - 1) / 2;
		if (!frame_before(fr, f->heap[parent]))
			break;
		f->heap[i] = f->heap[parent];
		i = parent;
	}
	f->heap[i] = fr;
	return 0;
}

static struct frame *
heap_pop(struct fwd *f)
{
	struct frame	*top, *last;
	size_t		 i, child, n;

	top = f->heap[0];
	last = f->heap[--f->heaplen];
	n = f->heaplen;
	i = 0;
	while ((child = 2 * i + 1) < n) {
		if (child + 1 < n && frame_before(f->heap[child + 1],
		    f->heap[child]))
			child++;
		if (!frame_before(f->heap[child], last))
			break;
		f->heap[i] = f->heap[child];
		i = child;
	}
	if (n > 0)
		f->heap[i] = last;
	return top;
}

static void
deliver(struct fwd *f, struct ns_pair *p, int dst, const unsigned char *buf,
    size_t len)
{
	ssize_t	n;

	n = write(f->ports[dst].fd, buf, len);
	if (n == (ssize_t)len)
		count(&p->st.delivered, len);
	else {
		if (p->st.txerr.frames == 0)
			log_warn("port %d: write", dst);
		count(&p->st.txerr, len);
	}
}

/* One copy of a frame enters the link src->dst at time now. */
static void
offer(struct fwd *f, int src, int dst, const unsigned char *buf, size_t len,
    uint64_t now)
{
	struct ns_pair	*p = pair_at(f, src, dst);
	struct frame	*fr;
	uint64_t	 release;
	int64_t		 delay;

	count(&p->st.sent, len);
	if (p->down) {
		count(&p->st.cut, len);
		return;
	}
	if (p->loss > 0 && rng_unit(f) < p->loss) {
		count(&p->st.lost, len);
		return;
	}
	delay = (int64_t)p->delay_ns;
	if (p->jitter_ns > 0) {
		delay += (int64_t)((rng_unit(f) * 2 - 1) *
		    (double)p->jitter_ns);
		if (delay < 0)
			delay = 0;
	}
	release = now + (uint64_t)delay;
	/* Without jitter, a shorter delay must not overtake queued frames. */
	if (p->jitter_ns == 0 && release < p->last_release_ns)
		release = p->last_release_ns;
	if (release <= now && p->queued == 0) {
		deliver(f, p, dst, buf, len);
		return;
	}
	if (p->queued >= p->limit || f->heaplen >= NS_QUEUE_MAX ||
	    (fr = malloc(sizeof(*fr) + len)) == NULL) {
		count(&p->st.overflow, len);
		return;
	}
	fr->release_ns = release;
	fr->seq = f->seq++;
	fr->src = src;
	fr->dst = dst;
	fr->len = len;
	memcpy(fr->data, buf, len);
	if (heap_push(f, fr) == -1) {
		free(fr);
		count(&p->st.overflow, len);
		return;
	}
	p->queued++;
	p->last_release_ns = release;
}

static void
switch_frame(struct fwd *f, int src, const unsigned char *buf, size_t len,
    uint64_t now)
{
	const unsigned char	*dmac = buf, *smac = buf + 6;
	int			 dst = 0, i;

	if (len < 14) {
		count(&f->ports[src].st.runt, len);
		return;
	}
	count(&f->ports[src].st.rx, len);
	if ((smac[0] & 1) == 0)
		mac_learn(f, smac, src);
	if ((dmac[0] & 1) == 0)
		dst = mac_lookup(f, dmac);
	if (dst == src) {
		count(&f->ports[src].st.local, len);
		return;
	}
	if (dst != 0) {
		offer(f, src, dst, buf, len, now);
		return;
	}
	for (i = 1; i <= f->nports; i++)
		if (i != src && f->ports[i].fd != -1)
			offer(f, src, i, buf, len, now);
}

/*
 * Reads what port id has ready (a burst at most) and switches it.
 * Returns -1 when the TAP is broken (its device deleted, say): the
 * caller stops polling it.
 */
int
fwd_input(struct fwd *f, int id, uint64_t now)
{
	ssize_t	n;
	int	i;

	for (i = 0; i < READ_BURST; i++) {
		n = read(f->ports[id].fd, f->rxbuf, sizeof(f->rxbuf));
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			log_warn("port %d: read", id);
			return -1;
		}
		switch_frame(f, id, f->rxbuf, (size_t)n, now);
	}
	return 0;
}

/* Writes every queued frame due at now. */
void
fwd_release(struct fwd *f, uint64_t now)
{
	struct frame	*fr;
	struct ns_pair	*p;

	while (f->heaplen > 0 && f->heap[0]->release_ns <= now) {
		fr = heap_pop(f);
		p = pair_at(f, fr->src, fr->dst);
		p->queued--;
		if (p->down)
			count(&p->st.cut, fr->len);
		else
			deliver(f, p, fr->dst, fr->data, fr->len);
		free(fr);
	}
}

/* When the next queued frame is due, 0 if none is queued. */
uint64_t
fwd_next_release(const struct fwd *f)
{
	return f->heaplen > 0 ? f->heap[0]->release_ns : 0;
}

static void
apply_pair(struct ns_pair *p, const struct ctl_req *r)
{
	if (r->params & CTL_P_DELAY)
		p->delay_ns = r->delay_ns;
	if (r->params & CTL_P_JITTER)
		p->jitter_ns = r->jitter_ns;
	if (r->params & CTL_P_LOSS)
		p->loss = r->loss;
	if (r->params & CTL_P_LIMIT)
		p->limit = r->limit;
	if (r->params & CTL_P_STATE)
		p->down = r->down;
}

/* Calls fn for every pair src->dst the ids select (0 means all). */
#define FOREACH_PAIR(f, s0, d0, i, j)					\
	for ((i) = 1; (i) <= (f)->nports; (i)++)			\
		for ((j) = 1; (j) <= (f)->nports; (j)++)		\
			if ((i) != (j) && ((s0) == 0 || (s0) == (i)) &&	\
			    ((d0) == 0 || (d0) == (j)))

/* Applies a parsed CTL_SET request; it holds for frames that arrive next. */
void
fwd_apply(struct fwd *f, const struct ctl_req *r)
{
	int	i, j;

	FOREACH_PAIR(f, r->src, r->dst, i, j) {
		apply_pair(pair_at(f, i, j), r);
		if (r->both)
			apply_pair(pair_at(f, j, i), r);
	}
}

static void
print_count(struct ns_buf *b, const char *name, const struct ns_count *c)
{
	buf_printf(b, " %s=%" PRIu64 " %s_bytes=%" PRIu64, name, c->frames,
	    name, c->bytes);
}

/* One line per ordered pair: "SRC DST key=value...". */
void
fwd_stats(const struct fwd *f, int src, int dst, struct ns_buf *b)
{
	const struct ns_pair	*p;
	int			 i, j;

	FOREACH_PAIR(f, src, dst, i, j) {
		p = pair_at(f, i, j);
		buf_printf(b, "%d %d", i, j);
		print_count(b, "sent", &p->st.sent);
		print_count(b, "delivered", &p->st.delivered);
		print_count(b, "lost", &p->st.lost);
		print_count(b, "cut", &p->st.cut);
		print_count(b, "overflow", &p->st.overflow);
		print_count(b, "txerr", &p->st.txerr);
		buf_printf(b, " queued=%u\n", p->queued);
	}
	if (src == 0 && dst == 0) {
		for (i = 1; i <= f->nports; i++) {
			buf_printf(b, "port %d", i);
			print_count(b, "rx", &f->ports[i].st.rx);
			print_count(b, "runt", &f->ports[i].st.runt);
			print_count(b, "local", &f->ports[i].st.local);
			buf_printf(b, "\n");
		}
	}
}

/* One line per ordered pair with its parameters. */
void
fwd_show(const struct fwd *f, int src, int dst, struct ns_buf *b)
{
	const struct ns_pair	*p;
	int			 i, j;

	FOREACH_PAIR(f, src, dst, i, j) {
		p = pair_at(f, i, j);
		buf_printf(b, "%d %d delay=%.6f jitter=%.6f loss=%.6f "
		    "limit=%u state=%s\n", i, j, p->delay_ns / 1e6,
		    p->jitter_ns / 1e6, p->loss, p->limit,
		    p->down ? "down" : "up");
	}
}

void
fwd_clear(struct fwd *f)
{
	int	i, j;

	for (i = 0; i <= f->nports; i++) {
		memset(&f->ports[i].st, 0, sizeof(f->ports[i].st));
		for (j = 0; j <= f->nports; j++)
			memset(&pair_at(f, i, j)->st, 0,
			    sizeof(pair_at(f, i, j)->st));
	}
}
