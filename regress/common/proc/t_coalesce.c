/*
 * Newest-per-key holding (common/proc/coalesce.c): order of first
 * arrival, replacement by the newest, the bound on keys, taking while
 * putting (compaction), a key new again once taken, and a long run
 * against a model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include <event.h>
#include <unistd.h>

#include "proc/coalesce.h"
#include "proc/imsg.h"
#include "proc/proc.h"
#include "regress/lib/rng.h"
#include "regress/lib/tap.h"

#define T_SAMPLE	4242
#define T_OTHER		4243

struct tsample {
	uint32_t	 key;
	uint32_t	 value;
};

static int
tsample_key(uint32_t type, const void *data, size_t len, uint64_t *key)
{
	struct tsample	t;

	if (type != T_SAMPLE || len != sizeof(t))
		return 0;
	memcpy(&t, data, sizeof(t));
	*key = t.key;
	return 1;
}

static void
tdispatch(struct proc_chan *pc, struct imsg *imsg)
{
	(void)pc;
	(void)imsg;
}

static uint64_t	rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	return test_rng(&rng_state);
}

static int
take(struct coalesce *c, uint32_t *type, uint32_t *val)
{
	const void	*d;
	size_t		 len;

	if (coalesce_next(c, type, &d, &len) != 1 || len != sizeof(*val))
		return 0;
	memcpy(val, d, sizeof(*val));
	return 1;
}

static void
test_basic(void)
{
	struct coalesce		*c = coalesce_new(4);
	struct coalesce_stats	 st;
	uint32_t		 v, t, k;
	int			 good = 1;
	uint8_t			 big[COALESCE_MAXDATA + 1];
	static const uint32_t	 after[4] = { 1, 99, 3, 99 };

	ok(coalesce_new(0) == NULL && errno == EINVAL, "max 0 refused");
	v = 1;
	ok(coalesce_put(c, 10, 7, &v, 4) == 1, "key 10 new");
	v = 2;
	coalesce_put(c, 20, 7, &v, 4);
	v = 3;
	ok(coalesce_put(c, 10, 8, &v, 4) == 0, "key 10 again: replaced");
	ok(coalesce_count(c) == 2, "two held");
	ok(take(c, &t, &v) && v == 3 && t == 8 && take(c, &t, &v) && v == 2,
	    "in the order keys came, the newest of each");
	ok(!take(c, &t, &v), "then none");
	for (k = 0; k < 4; k++)
		coalesce_put(c, k, 1, &k, 4);
	k = 99;
	ok(coalesce_put(c, 99, 1, &k, 4) == -1 && errno == ENOSPC,
	    "a fifth key: table full");
	ok(coalesce_put(c, 2, 1, &k, 4) == 0, "a held key is still replaced");
	ok(take(c, &t, &v) && v == 0, "take one");
	ok(coalesce_put(c, 0, 1, &k, 4) == 1, "a key taken is new again");
	for (k = 0; k < 4; k++)
		if (!take(c, &t, &v) || v != after[k])
			good = 0;
	ok(good, "after compaction: 1, 99, 3, 99 in order");
	ok(coalesce_put(c, 5, 1, big, sizeof(big)) == -1 && errno ==
	    EMSGSIZE, "payload over COALESCE_MAXDATA refused");
	coalesce_stats(c, &st);
	ok(st.full == 1 && st.replaced == 2, "counted: 1 full, 2 replaced");
	coalesce_free(c);
}

/* Random puts and takes against a model of newest-per-key in order. */
static void
test_model(void)
{
	struct coalesce	*c = coalesce_new(64);
	uint32_t	 order[64], newest[256], t, v, key;
	int		 held[256], n = 0, i, j, bad = 0, r;

	memset(held, 0, sizeof(held));
	for (i = 0; i < 200000; i++) {
		if (rng() % 3) {
			key = (uint32_t)(rng() % 256);
			v = (uint32_t)i;
			r = coalesce_put(c, key, key, &v, 4);
			if (held[key]) {
				bad += r != 0;
				newest[key] = v;
			} else if (n == 64) {
				bad += r != -1;
			} else {
				bad += r != 1;
				held[key] = 1;
				newest[key] = v;
				order[n++] = key;
			}
		} else if (n > 0) {
			if (!take(c, &t, &v) || t != order[0] ||
			    v != newest[order[0]])
				bad++;
			held[order[0]] = 0;
			for (j = 1; j < n; j++)
				order[j - 1] = order[j];
			n--;
		} else
			bad += take(c, &t, &v);
		bad += coalesce_count(c) != (size_t)n;
	}
	ok(bad == 0, "200,000 random puts and takes match the model (%d)",
	    bad);
	coalesce_free(c);
}

/*
 * A channel whose reader stalls: 200,000 samples of 100 links and a few
 * other messages.  The queue stops at the mark, the samples wait newest
 * per link, and once the reader reads, every other message and the
 * newest sample of every link arrive.
 */
static void
test_channel(void)
{
	struct proc_chan	 pc;
	struct proc_chan_stats	 st;
	struct imsgbuf		 rd;
	struct imsg		 im;
	struct tsample		 t;
	uint32_t		 newest[100], got[100];
	size_t			 maxq = 0;
	int			 sv[2], i, others = 0, bad = 0, spins;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	event_init();
	proc_chan_init(&pc, sv[0], PROC_ROUTE, tdispatch, NULL);
	proc_chan_samples(&pc, tsample_key);
	imsgbuf_init(&rd, sv[1]);
	for (i = 0; i < 200000; i++) {
		t.key = (uint32_t)(i % 100);
		t.value = (uint32_t)i;
		newest[t.key] = t.value;
		if (proc_compose(&pc, T_SAMPLE, 0, 0, -1, &t, sizeof(t)) == -1)
			bad++;
		if (i % 50000 == 0 && proc_compose(&pc, T_OTHER, 0, 0, -1,
		    NULL, 0) == -1)
			bad++;
		/* the writer writes; the reader does not read */
		event_loop(EVLOOP_NONBLOCK);
		if (imsgbuf_queued(&pc.ibuf) > maxq)
			maxq = imsgbuf_queued(&pc.ibuf);
	}
	proc_chan_stats(&pc, &st);
	ok(bad == 0, "every compose taken");
	ok(maxq <= PROC_HIWAT + 1024, "the queue stopped at the mark (%zu "
	    "bytes, mark %d)", maxq, PROC_HIWAT);
	ok(st.held > 100000 && st.replaced > 100000 && st.full == 0,
	    "samples held newest per link (%llu held, %llu replaced)",
	    (unsigned long long)st.held, (unsigned long long)st.replaced);
	memset(got, 0xff, sizeof(got));
	for (spins = 0; spins < 100000; spins++) {
		event_loop(EVLOOP_NONBLOCK);
		if (imsgbuf_read(&rd) == -1 && errno != EAGAIN)
			break;
		while (imsg_get(&rd, &im) == 1) {
			if (im.hdr.type == T_OTHER)
				others++;
			else if (im.datalen == sizeof(t)) {
				memcpy(&t, im.data, sizeof(t));
				if (t.key < 100)
					got[t.key] = t.value;
			}
			imsg_free(&im);
		}
		if (imsgbuf_queued(&pc.ibuf) == 0)
			break;
	}
	for (i = 0; i < 100; i++)
		bad += got[i] != newest[i];
	ok(others == 4, "the other messages all arrived (%d)", others);
	ok(bad == 0, "and the newest sample of every link");
	proc_chan_close(&pc);
	imsgbuf_clear(&rd);
	close(sv[1]);
}

int
main(void)
{
	test_basic();
	test_model();
	test_channel();
	tap_done();
	return 0;
}
