/*
 * libFuzzer target for egd's EdgeAPI client (egd/control_httpc.c): the
 * input is what the supernode answers, written to the server's end of
 * socket pairs handed to the client as the parent would, in chunks
 * between which libevent's loop runs (without blocking: no timer is
 * waited for) until the client has taken what it can.
 *
 * The first byte sets the scene: bit 0 queues a second request (from
 * the first one's callback, rather than up front, if bit 1 is set too),
 * bits 2-4 pick the body limit given to httpc_new.  The rest is the server's
 * bytes, with a few that act instead of being sent:
 *
 *	0xff	a chunk ends here: send what came before, run the loop
 *	0xfe	the same, then the server closes the connection
 *	0xfd	queue one more request now
 *	0xfc	the next connection asked for cannot be made
 *
 * When the client has asked for a connection, it gets a new socket pair
 * (or the failure) before the next chunk is sent.  At the end the server
 * closes whatever is open until nothing is pending, so every request must
 * have been answered, exactly once, with 0 or a final status and a body
 * within the limit; and every socket handed to the client must be closed
 * once it is freed.  Built with -DTRACE, it prints what each request got.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "egd/control_httpc.h"
#include "util/log.h"

#define FUZZ_MAXREQ	8
#define FUZZ_MAXFDS	256
#define FUZZ_SETTLE	64	/* loop runs at most, per settle() */

#define CTL_CHUNK	0xff
#define CTL_CLOSE	0xfe
#define CTL_REQUEST	0xfd
#define CTL_FAILDIAL	0xfc

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzzreq {
	int	queued;
	int	done;
};

static struct event_base	*base;
static struct httpc		*h;
static size_t			 max_body;
static struct fuzzreq		 reqs[FUZZ_MAXREQ];
static int			 nreq;
static int			 chained;	/* to queue from callbacks */
static int			 wanted;	/* want_conn() not answered */
static int			 faildial;
static int			 srv = -1;	/* the server's end */
static int			 cfd = -1;	/* the client's end */
static int			 handed[FUZZ_MAXFDS];
static int			 nhanded;
static volatile uint8_t		 sink;

static void	queue_one(void);

static void
quiet(int pri, const char *line)
{
}

static void
want(void *arg)
{
	if (wanted)
		abort();	/* asked again before being answered */
	wanted = 1;
}

static void
done_cb(int status, const uint8_t *body, size_t len, void *arg)
{
	struct fuzzreq	*r = arg;
	size_t		 i;

	if (!r->queued || r->done++ != 0)
		abort();
	/* 1xx answers are interim: never what a request ends with. */
	if (status != 0 && (status < 200 || status > 599))
		abort();
	if (len > max_body || (status == 0 && (body != NULL || len != 0)) ||
	    (len > 0 && body == NULL))
		abort();
#ifdef TRACE
	fprintf(stderr, "req %d: %d \"%.*s\"\n", (int)(r - reqs), status,
	    (int)len, body);
#endif
	for (i = 0; i < len; i++)
		sink += body[i];		/* all of it must be readable */
	if (chained > 0) {
		chained--;
		queue_one();
	}
}

static void
queue_one(void)
{
	static const struct httpc_hdr	 hdr = { "Host", "sn.test" };
	struct fuzzreq			*r;
	char				 path[16];
	int				 rc;

	if (nreq >= FUZZ_MAXREQ)
		return;
	r = &reqs[nreq];
	snprintf(path, sizeof(path), "/%d", nreq);
	r->queued = 1;
	if (nreq++ % 2 == 0)
		rc = httpc_request(h, "GET", path, &hdr, 1, NULL, 0, done_cb,
		    r);
	else
		rc = httpc_request(h, "POST", path, &hdr, 1, "{}", 2, done_cb,
		    r);
	if (rc == -1)
		abort();
}

static void
srv_close(void)
{
	if (srv != -1)
		close(srv);
	srv = -1;
}

/* Answers the client's want_conn(). */
static void
dial(void)
{
	int	sp[2], i;

	wanted = 0;
	srv_close();
	if (faildial) {
		faildial = 0;
		httpc_connected(h, -1, ECONNREFUSED);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
		abort();	/* the client would be leaking sockets */
	fcntl(sp[1], F_SETFL, O_NONBLOCK);
	srv = sp[1];
	cfd = sp[0];
	for (i = 0; i < nhanded && handed[i] != cfd; i++)
		;
	if (i == nhanded && nhanded < FUZZ_MAXFDS)
		handed[nhanded++] = cfd;
	httpc_connected(h, cfd, 0);
}

/* The client has nothing left to read on its socket (or none). */
static int
client_idle(void)
{
	int	n;

	return cfd == -1 || fcntl(cfd, F_GETFD) == -1 ||
	    ioctl(cfd, FIONREAD, &n) == -1 || n == 0;
}

/*
 * Runs the loop until the client has read what it was sent and acted on
 * it.  Deterministic: every run of the loop polls without waiting.
 */
static void
settle(void)
{
	char	buf[1024];
	int	i, idle = 0;

	for (i = 0; i < FUZZ_SETTLE && idle < 2; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		/* What the client sent is read and forgotten. */
		while (srv != -1 && read(srv, buf, sizeof(buf)) > 0)
			;
		if (client_idle())
			idle++;
		else
			idle = 0;
	}
}

static void
srv_send(const uint8_t *p, size_t len)
{
	ssize_t	n;
	int	tries;

	for (tries = 0; len > 0 && srv != -1 && tries < 16; tries++) {
		/* The client may have closed its end: no SIGPIPE. */
		if ((n = send(srv, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno != EAGAIN)
				return;
			n = 0;
		}
		p += n;
		len -= n;
		settle();
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_init(0, LOG_USER);
	log_setsink(quiet);
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	limits[] = {
		0, 1, 5, 16, 64, 1000, 65536, 1 << 20
	};
	size_t			i, start, round;

	if (size < 1)
		return 0;
	memset(reqs, 0, sizeof(reqs));
	nreq = nhanded = wanted = faildial = 0;
	srv = cfd = -1;
	chained = (data[0] & 3) == 3;
	max_body = limits[(data[0] >> 2) & 7];
	if ((h = httpc_new(base, 3600, max_body, want, NULL)) == NULL)
		abort();

	queue_one();
	if ((data[0] & 1) && !chained)
		queue_one();
	settle();
	for (start = i = 1; i <= size; i++) {
		if (i < size && data[i] < CTL_FAILDIAL)
			continue;
		if (wanted && i > start)
			dial();
		srv_send(data + start, i - start);
		settle();
		start = i + 1;
		if (i == size)
			break;
		switch (data[i]) {
		case CTL_CLOSE:
			srv_close();
			settle();
			break;
		case CTL_REQUEST:
			queue_one();
			settle();
			break;
		case CTL_FAILDIAL:
			faildial = 1;
			break;
		}
	}

	/* The server hangs up until nobody waits: each must be answered. */
	faildial = 0;
	for (round = 0; httpc_pending(h) > 0 && round < 4 * FUZZ_MAXREQ;
	    round++) {
		if (wanted)
			dial();
		else
			srv_close();
		settle();
	}
	if (httpc_pending(h) > 0)
		abort();
	for (i = 0; i < (size_t)nreq; i++)
		if (reqs[i].done != 1)
			abort();

	httpc_free(h);
	h = NULL;
	srv_close();
	settle();
	for (i = 0; i < (size_t)nhanded; i++)
		if (fcntl(handed[i], F_GETFD) != -1)
			abort();	/* a socket the client did not close */
	return 0;
}
