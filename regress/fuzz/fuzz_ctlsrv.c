/*
 * libFuzzer target for the control socket's server (common/proc/
 * ctlsrv.c on imsg.c), end to end in one process: egctl clients connect
 * to a listening socket served by ctlsrv_init() and write arbitrary
 * bytes; the requests ctlsrv_request() relays go out on channels whose
 * other ends this file holds, like the engine, route and parent would;
 * their answers come back over those channels through proc.c's checks
 * into ctlsrv_relay() and on to the client.  libEvent's loop runs
 * without blocking between steps until everything has moved.
 *
 * A model of each client says what must happen:
 * - every whole request is relayed (SHOW_PEERS to the engine, SHOW_ROUTES
 *   with its byte and SHOW_LINKS to route, RELOAD to the parent: as
 *   sent, with the client's id) or answered "unknown or malformed";
 * - a frame with a bad header closes the client, which may lose what
 *   was queued for it, nothing else;
 * - answers reach the client they name, in order, and no other;
 * - descriptors a client passes are closed, and so is every client
 *   that went: nothing stays open at the end.
 *
 * Input: records of an op byte and its arguments; client (op >> 4) % 3,
 * channel (op >> 3) % 3.  Op & 7:
 *	0	bytes from the client: 2 bytes of length, then them; a
 *		descriptor with them if op & 8
 *	1, 6, 7	a request: a type byte, a length byte (% 4), its bytes
 *	2	the channel answers its oldest request: a byte picks the
 *		type it may send, then the payload's bytes
 *	3	the client closes
 *	4	a closed client connects again
 *	5	the channel answers a client that does not exist
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <dirent.h>
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

#include "proc/ctl.h"
#include "proc/ctlsrv.h"
#include "proc/proc.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

#define NCLIENTS	3
#define NCHANS		3	/* parent, engine, route: enum eg_proc */
#define MAXEXP		1024	/* expected messages per queue */
#define MAXMSG		(CTL_MAXSIZE + 64)
#define SETTLE		256	/* loop runs at most */

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A message expected somewhere, and who it concerns. */
struct exp {
	uint32_t	 type;
	uint8_t		*data;
	size_t		 len;
	int		 client;
};

struct queue {
	struct exp	 e[MAXEXP];
	size_t		 head, n;
};

struct client {
	int		 fd;		/* -1: closed */
	struct imsgbuf	 ib;		/* what the server sends it */
	uint32_t	 id;		/* learnt from a relayed request; 0 */
	uint8_t		*sent;		/* the bytes it wrote */
	size_t		 nsent, off;	/* off: the next frame */
	int		 bad;		/* it sent a bad frame: dropped */
	int		 eof;		/* the server closed it */
	struct queue	 expect;	/* messages it must get */
};

static struct {
	struct proc_chan chans[PROC_MAX];	/* control's ends */
	int		 far[NCHANS];		/* the processes' ends */
	struct imsgbuf	 farib[NCHANS];
	struct queue	 relayed[NCHANS];	/* requests expected */
	struct queue	 open[NCHANS];		/* relayed, not answered */
	struct client	 c[NCLIENTS];
	struct sockaddr_un sun;
	socklen_t	 sunlen;
} f;

static void
quiet(int pri, const char *line)
{
}

/* Descriptors open: a leak anywhere shows, not only below the rest. */
static int
open_fds(void)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
q_push(struct queue *q, uint32_t type, const void *data, size_t len,
    int client)
{
	struct exp	*e;

	if (q->n == MAXEXP)
		abort();	/* the input is bounded: so are the queues */
	e = &q->e[(q->head + q->n++) % MAXEXP];
	e->type = type;
	e->len = len;
	e->client = client;
	if ((e->data = malloc(len + 1)) == NULL)
		abort();
	memcpy(e->data, data, len);
}

static struct exp *
q_front(struct queue *q)
{
	return q->n > 0 ? &q->e[q->head] : NULL;
}

static void
q_pop(struct queue *q)
{
	free(q->e[q->head].data);
	q->head = (q->head + 1) % MAXEXP;
	q->n--;
}

static void
q_clear(struct queue *q)
{
	while (q->n > 0)
		q_pop(q);
	q->head = 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	lfd, sp[2], p;

	signal(SIGPIPE, SIG_IGN);
	log_init(0, LOG_USER);
	log_setsink(quiet);
	event_init();
	proc_daemon.name = "fuzz";
	proc_daemon.self = PROC_CONTROL;
	/* An abstract address: nothing in the file system. */
	memset(&f.sun, 0, sizeof(f.sun));
	f.sun.sun_family = AF_UNIX;
	snprintf(f.sun.sun_path + 1, sizeof(f.sun.sun_path) - 1,
	    "eg-fuzz-ctlsrv.%ld", (long)getpid());
	f.sunlen = offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(f.sun.sun_path + 1);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&f.sun, f.sunlen) == -1 ||
	    listen(lfd, 16) == -1)
		abort();
	ctlsrv_init(lfd, ctlsrv_request);
	for (p = 0; p < NCHANS; p++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
			abort();
		proc_chan_init(&f.chans[p], sp[0], p, ctlsrv_relay, NULL);
		f.far[p] = sp[1];
		fcntl(sp[1], F_SETFL, O_NONBLOCK);
		imsgbuf_init(&f.farib[p], sp[1]);
	}
	ctlsrv_set_chans(f.chans);
	for (p = 0; p < NCLIENTS; p++)
		f.c[p].fd = -1;
	return 0;
}

static void
client_open(int k, size_t cap)
{
	struct client	*c = &f.c[k];
	int		 fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&f.sun, f.sunlen) == -1)
		abort();
	fcntl(fd, F_SETFL, O_NONBLOCK);
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	imsgbuf_init(&c->ib, fd);
	imsgbuf_set_maxsize(&c->ib, MAXMSG);
	if ((c->sent = malloc(cap + 1)) == NULL)
		abort();
}

/* Answers to client k go nowhere now: nobody expects them. */
static void
q_orphan(struct queue *q, int k)
{
	size_t	i;

	for (i = 0; i < q->n; i++)
		if (q->e[(q->head + i) % MAXEXP].client == k)
			q->e[(q->head + i) % MAXEXP].client = -1;
}

static void
client_close(int k)
{
	struct client	*c = &f.c[k];
	int		 p;

	if (c->fd == -1)
		return;
	imsgbuf_clear(&c->ib);
	close(c->fd);
	c->fd = -1;
	free(c->sent);
	c->sent = NULL;
	q_clear(&c->expect);
	for (p = 0; p < NCHANS; p++) {
		q_orphan(&f.open[p], k);
		q_orphan(&f.relayed[p], k);
	}
}

/* Where ctlsrv_request() sends a request, or -1: it answers itself. */
static int
route_of(uint32_t type, size_t len)
{
	switch (type) {
	case IMSG_CTL_SHOW_PEERS:
		return len == 0 ? PROC_ENGINE : -1;
	case IMSG_CTL_SHOW_ROUTES:
		return len == 1 ? PROC_ROUTE : -1;
	case IMSG_CTL_SHOW_LINKS:
		return len == 0 ? PROC_ROUTE : -1;
	case IMSG_CTL_RELOAD:
		return len == 0 ? PROC_PARENT : -1;
	default:
		return -1;
	}
}

/* The client's whole frames as the server must take them. */
static void
client_model(int k)
{
	static const char	 refusal[] = "unknown or malformed request";
	struct client		*c = &f.c[k];
	struct imsg_hdr		 hdr;
	uint8_t			 res[sizeof(struct ctl_result) +
				    sizeof(refusal)];
	struct ctl_result	 r;
	size_t			 dlen;
	int			 to;

	while (!c->bad && c->nsent - c->off >= IMSG_HEADER_SIZE) {
		memcpy(&hdr, c->sent + c->off, sizeof(hdr));
		if (hdr.len < IMSG_HEADER_SIZE || hdr.len > CTL_MAXSIZE ||
		    (hdr.flags & ~IMSGF_HASFD) != 0 || hdr.reserved != 0) {
			c->bad = 1;
			break;
		}
		if (c->nsent - c->off < hdr.len)
			break;
		dlen = hdr.len - IMSG_HEADER_SIZE;
		if ((to = route_of(hdr.type, dlen)) != -1)
			q_push(&f.relayed[to], hdr.type, c->sent + c->off +
			    IMSG_HEADER_SIZE, dlen, k);
		else {
			r.status = 1;
			r.msglen = sizeof(refusal) - 1;
			memcpy(res, &r, sizeof(r));
			memcpy(res + sizeof(r), refusal, r.msglen);
			q_push(&c->expect, IMSG_CTL_RESULT, res, sizeof(r) +
			    r.msglen, k);
		}
		c->off += hdr.len;
	}
}

static void
client_write(int k, const uint8_t *p, size_t len, int pass)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	} cmsgbuf;
	struct client	*c = &f.c[k];
	struct msghdr	 msg;
	struct cmsghdr	*cmsg;
	struct iovec	 iov;
	ssize_t		 n;
	int		 nullfd = -1;

	if (c->fd == -1 || c->eof || len == 0)
		return;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (pass) {
		if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
			abort();
		memset(&cmsgbuf, 0, sizeof(cmsgbuf));
		msg.msg_control = cmsgbuf.buf;
		msg.msg_controllen = sizeof(cmsgbuf.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(cmsg), &nullfd, sizeof(int));
	}
	n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	if (nullfd != -1)
		close(nullfd);
	if (n == -1 && c->bad)
		return;		/* dropped already */
	if (n != (ssize_t)len)
		abort();	/* inputs are far below the socket's buffer */
	memcpy(c->sent + c->nsent, p, len);
	c->nsent += len;
	client_model(k);
}

/* What the server sent client k, against what it must send. */
static int
client_read(int k)
{
	struct client	*c = &f.c[k];
	struct imsg	 imsg;
	struct exp	*e;
	ssize_t		 n;
	int		 r, moved = 0;

	if (c->fd == -1 || c->eof)
		return 0;
	while ((n = imsgbuf_read(&c->ib)) > 0) {
		moved = 1;
		while ((r = imsg_get(&c->ib, &imsg)) == 1) {
			e = q_front(&c->expect);
			if (e == NULL || imsg.hdr.type != e->type ||
			    imsg.datalen != e->len || imsg.fd != -1 ||
			    (e->len > 0 && memcmp(imsg.data, e->data,
			    e->len) != 0))
				abort();
			q_pop(&c->expect);
			imsg_free(&imsg);
		}
		if (r == -1)
			abort();
	}
	if (n == 0) {
		/* The server closes only a client that sent a bad frame. */
		if (!c->bad)
			abort();
		c->eof = 1;
		moved = 1;
	} else if (errno != EAGAIN)
		abort();
	return moved;
}

/* What a process got relayed, against what ctlsrv must relay. */
static int
far_read(int p)
{
	struct imsg	 imsg;
	struct exp	*e;
	struct client	*c;
	ssize_t		 n;
	int		 r, k, moved = 0;

	while ((n = imsgbuf_read(&f.farib[p])) > 0) {
		moved = 1;
		while ((r = imsg_get(&f.farib[p], &imsg)) == 1) {
			e = q_front(&f.relayed[p]);
			if (e == NULL || imsg.hdr.type != e->type ||
			    imsg.datalen != e->len || imsg.fd != -1 ||
			    imsg.hdr.peerid == 0 || (e->len > 0 &&
			    memcmp(imsg.data, e->data, e->len) != 0))
				abort();
			/* One id per client, and not another's. */
			if ((k = e->client) != -1) {
				c = &f.c[k];
				if (c->id == 0)
					c->id = imsg.hdr.peerid;
				if (c->id != imsg.hdr.peerid)
					abort();
			}
			for (k = 0; k < NCLIENTS; k++)
				if (k != e->client && f.c[k].fd != -1 &&
				    f.c[k].id == imsg.hdr.peerid)
					abort();
			q_push(&f.open[p], imsg.hdr.type, &imsg.hdr.peerid,
			    sizeof(imsg.hdr.peerid), e->client);
			q_pop(&f.relayed[p]);
			imsg_free(&imsg);
		}
		if (r == -1)
			abort();
	}
	if (n == 0 || errno != EAGAIN)
		abort();
	return moved;
}

/* Runs the loop, without blocking, until nothing moves any more. */
static void
settle(void)
{
	int	i, k, p, n, moved, idle = 0;

	for (i = 0; i < SETTLE && idle < 3; i++) {
		event_loop(EVLOOP_NONBLOCK);
		moved = 0;
		for (k = 0; k < NCLIENTS; k++)
			moved |= client_read(k);
		for (p = 0; p < NCHANS; p++) {
			moved |= far_read(p);
			if (imsgbuf_queued(&f.farib[p]) > 0) {
				if (imsgbuf_write(&f.farib[p]) == -1 &&
				    errno != EAGAIN)
					abort();
				moved = 1;
			}
		}
		/* Bytes written that the other side has not read yet. */
		for (k = 0; k < NCLIENTS; k++)
			if (f.c[k].fd != -1 && !f.c[k].eof &&
			    ioctl(f.c[k].fd, TIOCOUTQ, &n) == 0 && n > 0)
				moved = 1;
		for (p = 0; p < NCHANS; p++)
			if (ioctl(f.far[p], TIOCOUTQ, &n) == 0 && n > 0)
				moved = 1;
		idle = moved ? 0 : idle + 1;
	}
}

/* Process p answers request id with a message it may send. */
static size_t
answer(int p, uint32_t id, int client, const uint8_t *d, size_t avail)
{
	static const uint32_t	 types[NCHANS][5] = {
		[PROC_PARENT] = { IMSG_CTL_RESULT },
		[PROC_ENGINE] = { IMSG_CTL_PEER, IMSG_CTL_COUNTER,
		    IMSG_CTL_END },
		[PROC_ROUTE] = { IMSG_CTL_ROUTE, IMSG_CTL_LINK,
		    IMSG_CTL_COUNTER, IMSG_CTL_RESULT, IMSG_CTL_END },
	};
	static const int	 ntypes[NCHANS] = { 1, 3, 5 };
	uint8_t			 msg[512];	/* the largest: ctl_peer */
	struct ctl_result	 r;
	size_t			 len = 0, used = 0, i;
	uint32_t		 type;

	if (avail < 1)
		return 0;
	type = types[p][d[used++] % ntypes[p]];
	switch (type) {
	case IMSG_CTL_PEER:
		len = sizeof(struct ctl_peer);
		break;
	case IMSG_CTL_ROUTE:
		len = sizeof(struct ctl_route);
		break;
	case IMSG_CTL_LINK:
		len = sizeof(struct ctl_link);
		break;
	case IMSG_CTL_COUNTER:
		len = sizeof(struct ctl_counter);
		break;
	case IMSG_CTL_RESULT:
		r.status = used < avail ? (int8_t)d[used++] : 0;
		r.msglen = used < avail ? d[used++] % 64 : 0;
		len = sizeof(r) + r.msglen;
		break;
	case IMSG_CTL_END:
		len = 0;
		break;
	}
	if (len > sizeof(msg))
		abort();
	memset(msg, 0, sizeof(msg));
	if (type == IMSG_CTL_RESULT) {
		memcpy(msg, &r, sizeof(r));
		for (i = sizeof(r); i < len && used < avail; i++)
			msg[i] = d[used++];
	} else
		for (i = 0; i < len && used < avail; i++)
			msg[i] = d[used++];
	if (imsg_compose(&f.farib[p], type, id, 0, -1, msg, len) == -1)
		abort();
	if (client != -1 && f.c[client].fd != -1 && !f.c[client].bad)
		q_push(&f.c[client].expect, type, msg, len, client);
	/* The last message of an answer. */
	if (type == IMSG_CTL_END || type == IMSG_CTL_RESULT)
		q_pop(&f.open[p]);
	return used;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imsg_hdr	 hdr;
	struct exp	*e;
	uint8_t		 req[IMSG_HEADER_SIZE + 4];
	size_t		 i = 0, len;
	uint32_t	 id;
	int		 k, p, nfds = open_fds();
	uint8_t		 op;

	for (k = 0; k < NCLIENTS; k++)
		client_open(k, size * 8 + 64);	/* a request: 8 times its record */
	settle();
	while (i < size) {
		op = data[i++];
		k = (op >> 4) % NCLIENTS;
		p = (op >> 3) % NCHANS;
		switch (op & 7) {
		case 0:
			if (size - i < 2)
				goto done;
			len = data[i] | data[i + 1] << 8;
			i += 2;
			if (len > size - i)
				len = size - i;
			client_write(k, data + i, len, (op & 8) != 0);
			i += len;
			break;
		case 2:
			if ((e = q_front(&f.open[p])) == NULL)
				break;
			memcpy(&id, e->data, sizeof(id));
			i += answer(p, id, e->client, data + i, size - i);
			break;
		case 3:
			client_close(k);
			break;
		case 4:
			if (f.c[k].fd == -1)
				client_open(k, size * 8 + 64);
			break;
		case 5:
			/* Ids start at 1: 0 is nobody's. */
			if (imsg_compose(&f.farib[p], p == PROC_PARENT ?
			    IMSG_CTL_RESULT : IMSG_CTL_END, 0, 0, -1,
			    "\0\0\0\0\0\0\0\0", p == PROC_PARENT ? 8 : 0) == -1)
				abort();
			break;
		default:
			if (size - i < 2)
				goto done;
			memset(&hdr, 0, sizeof(hdr));
			hdr.type = data[i];
			len = data[i + 1] % 4;
			i += 2;
			if (len > size - i)
				len = size - i;
			hdr.len = IMSG_HEADER_SIZE + len;
			memcpy(req, &hdr, sizeof(hdr));
			memcpy(req + sizeof(hdr), data + i, len);
			i += len;
			client_write(k, req, sizeof(hdr) + len, 0);
			break;
		}
		settle();
	}
done:
	settle();
	for (p = 0; p < NCHANS; p++)
		if (f.relayed[p].n != 0)
			abort();	/* a request was not relayed */
	for (k = 0; k < NCLIENTS; k++) {
		/* All of it, or a client dropped: what came before it. */
		if (f.c[k].fd != -1 && ((f.c[k].bad && !f.c[k].eof) ||
		    (!f.c[k].bad && f.c[k].expect.n != 0)))
			abort();
		client_close(k);
	}
	for (p = 0; p < NCHANS; p++)
		q_clear(&f.open[p]);
	settle();
	if (open_fds() != nfds)
		abort();	/* a client or a descriptor left open */
	return 0;
}
