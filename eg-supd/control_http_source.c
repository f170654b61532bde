/*
 * What the HTTP servers remember about each source of connections: how
 * many connections it has open, per class, for the per-source caps; and
 * how many Manage API authentications failed from it lately, a token
 * bucket that lets HTTP_AUTH_BURST failures through and then one every
 * HTTP_AUTH_REFILL_S, so that guessing a password from one place takes
 * forever however fast the guesses come.
 *
 * A source is an IPv4 address, or an IPv6 /64 (one host's usual share:
 * counting each of its addresses apart would give it 2^64 budgets).
 * The table is bounded: a source with nothing open and a full bucket is
 * forgotten at once, and when the table is full the one unused longest
 * and without connections makes room.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control_http.h"
#include "util/log.h"

struct hsrc {
	RB_ENTRY(hsrc)		 entry;
	TAILQ_ENTRY(hsrc)	 lru;
	struct addr_net		 key;
	int			 nconns[HTTP_NCLASSES];
	double			 tokens;	/* failures left */
	int64_t			 tokens_ms;	/* as of then */
	int			 throttled;	/* logged as such */
	char			 name[INET6_ADDRSTRLEN + 4];
};

static int
hsrc_cmp(const struct hsrc *a, const struct hsrc *b)
{
	if (a->key.family != b->key.family)
		return a->key.family < b->key.family ? -1 : 1;
	return memcmp(a->key.addr, b->key.addr, sizeof(a->key.addr));
}

RB_HEAD(hsrc_tree, hsrc);
RB_PROTOTYPE(hsrc_tree, hsrc, entry, hsrc_cmp)
RB_GENERATE(hsrc_tree, hsrc, entry, hsrc_cmp)

static struct {
	struct hsrc_tree	tree;
	TAILQ_HEAD(, hsrc)	lru;	/* least recently used first */
	int			count;
} st = {
	.tree = RB_INITIALIZER(&st.tree),
	.lru = TAILQ_HEAD_INITIALIZER(st.lru),
};

int64_t
http_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The bucket brought up to now. */
static void
refill(struct hsrc *s, int64_t now)
{
	s->tokens += (double)(now - s->tokens_ms) / (HTTP_AUTH_REFILL_S *
	    1000.0);
	if (s->tokens > HTTP_AUTH_BURST)
		s->tokens = HTTP_AUTH_BURST;
	s->tokens_ms = now;
}

static int
idle(struct hsrc *s, int64_t now)
{
	int	i;

	for (i = 0; i < HTTP_NCLASSES; i++)
		if (s->nconns[i] > 0)
			return 0;
	refill(s, now);
	return s->tokens >= HTTP_AUTH_BURST;
}

static void
forget(struct hsrc *s)
{
	RB_REMOVE(hsrc_tree, &st.tree, s);
	TAILQ_REMOVE(&st.lru, s, lru);
	st.count--;
	free(s);
}

struct hsrc *
hsrc_get(const struct addr_net *addr)
{
	struct hsrc	 key, *s;
	int64_t		 now = http_mono_ms();
	int		 i;

	memset(&key, 0, sizeof(key));
	key.key.family = addr->family;
	if (addr->family == AF_INET)
		memcpy(key.key.addr, addr->addr, 4);
	else
		memcpy(key.key.addr, addr->addr, 8);	/* the /64 */
	if ((s = RB_FIND(hsrc_tree, &st.tree, &key)) != NULL) {
		TAILQ_REMOVE(&st.lru, s, lru);
		TAILQ_INSERT_TAIL(&st.lru, s, lru);
		return s;
	}
	if (st.count >= HTTP_MAX_SOURCES) {
		/* Those with connections are few (HTTP_MAX_CONNS_ALL). */
		TAILQ_FOREACH(s, &st.lru, lru) {
			for (i = 0; i < HTTP_NCLASSES; i++)
				if (s->nconns[i] > 0)
					break;
			if (i == HTTP_NCLASSES)
				break;
		}
		if (s == NULL)
			return NULL;
		forget(s);
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->key = key.key;
	s->key.len = addr->family == AF_INET ? 32 : 64;
	s->tokens = HTTP_AUTH_BURST;
	s->tokens_ms = now;
	addr_net_str(&s->key, s->name, sizeof(s->name));
	if (addr->family == AF_INET6)
		strlcat(s->name, "/64", sizeof(s->name));
	RB_INSERT(hsrc_tree, &st.tree, s);
	TAILQ_INSERT_TAIL(&st.lru, s, lru);
	st.count++;
	return s;
}

void
hsrc_release(struct hsrc *s)
{
	if (s != NULL && idle(s, http_mono_ms()))
		forget(s);
}

int
hsrc_conns(const struct hsrc *s, int class)
{
	return s->nconns[class];
}

void
hsrc_conn(struct hsrc *s, int class, int delta)
{
	s->nconns[class] += delta;
}

const char *
hsrc_name(const struct hsrc *s)
{
	return s->name;
}

int
hsrc_throttled(struct hsrc *s)
{
	int64_t	now = http_mono_ms();

	refill(s, now);
	if (s->tokens >= 1) {
		if (s->throttled)
			log_info("HTTP: %s may try Manage API passwords again",
			    s->name);
		s->throttled = 0;
		return 0;
	}
	/* Whole seconds until the next token, at least one. */
	return (int)((1 - s->tokens) * HTTP_AUTH_REFILL_S) + 1;
}

void
hsrc_failed(struct hsrc *s)
{
	refill(s, http_mono_ms());
	if (s->tokens >= 1)
		s->tokens -= 1;
	if (s->tokens < 1 && !s->throttled) {
		s->throttled = 1;
		log_warnx("HTTP: %s: %d failed Manage API authentications; "
		    "it gets 429 and one more try every %d s", s->name,
		    HTTP_AUTH_BURST, HTTP_AUTH_REFILL_S);
	}
}

int
hsrc_count(void)
{
	return st.count;
}

void
hsrc_shutdown(void)
{
	struct hsrc	*s;

	while ((s = TAILQ_FIRST(&st.lru)) != NULL)
		forget(s);
}
