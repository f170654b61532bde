/*
 * Control socket server; see ctlsrv.h.  Clients are local users who can
 * open the socket: they are not trusted with more than the requests the
 * daemon chooses to answer, and a client that sends a malformed frame or
 * stops reading is dropped.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctlsrv.h"
#include "proc.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

struct ctl_client {
	TAILQ_ENTRY(ctl_client)	 entry;
	struct imsgbuf		 ibuf;
	struct event		 ev;
	short			 events;
	uint32_t		 id;
};

static TAILQ_HEAD(, ctl_client)	 ctl_clients =
    TAILQ_HEAD_INITIALIZER(ctl_clients);
static struct event		 ctl_ev_accept;
static struct event		 ctl_ev_pause;
static int			 ctl_fd = -1;
static int			 ctl_nclients;
static uint32_t			 ctl_next_id = 1;
static ctlsrv_request_cb	 ctl_request;
static struct proc_chan		*ctl_chans;

static void	ctlsrv_accept(int, short, void *);
static void	ctlsrv_client_event(int, short, void *);

void
ctlsrv_init(int fd, ctlsrv_request_cb cb)
{
	ctl_fd = fd;
	ctl_request = cb;
	event_set(&ctl_ev_accept, fd, EV_READ | EV_PERSIST, ctlsrv_accept,
	    NULL);
	event_add(&ctl_ev_accept, NULL);
	evtimer_set(&ctl_ev_pause, ctlsrv_accept, NULL);
}

static struct ctl_client *
ctlsrv_byid(uint32_t id)
{
	struct ctl_client	*c;

	TAILQ_FOREACH(c, &ctl_clients, entry)
		if (c->id == id)
			return c;
	return NULL;
}

static void
ctlsrv_rearm(struct ctl_client *c)
{
	short	events = EV_READ;

	if (imsgbuf_queued(&c->ibuf) > 0)
		events |= EV_WRITE;
	if (events == c->events)
		return;
	event_del(&c->ev);
	c->events = events;
	event_set(&c->ev, c->ibuf.fd, events | EV_PERSIST,
	    ctlsrv_client_event, c);
	event_add(&c->ev, NULL);
}

static void
ctlsrv_drop(struct ctl_client *c)
{
	TAILQ_REMOVE(&ctl_clients, c, entry);
	event_del(&c->ev);
	close(c->ibuf.fd);
	imsgbuf_clear(&c->ibuf);
	free(c);
	/* Accepting may have been paused by the client limit. */
	if (ctl_nclients-- == CTLSRV_MAXCLIENTS && ctl_fd != -1)
		event_add(&ctl_ev_accept, NULL);
}

static void
ctlsrv_accept(int fd, short event, void *arg)
{
	struct ctl_client	*c;
	struct timeval		 tv = { 1, 0 };
	int			 s;

	if (event & EV_TIMEOUT) {
		event_add(&ctl_ev_accept, NULL);
		return;
	}
	if ((s = accept4(ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) ==
	    -1) {
		if (errno == EMFILE || errno == ENFILE) {
			/* Out of descriptors: wait a little. */
			event_del(&ctl_ev_accept);
			evtimer_add(&ctl_ev_pause, &tv);
		} else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("control accept");
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control client");
		close(s);
		return;
	}
	imsgbuf_init(&c->ibuf, s);
	imsgbuf_set_maxsize(&c->ibuf, CTL_MAXSIZE);
	c->id = ctl_next_id++;
	if (ctl_next_id == 0)
		ctl_next_id = 1;
	c->events = EV_READ;
	event_set(&c->ev, s, c->events | EV_PERSIST, ctlsrv_client_event, c);
	event_add(&c->ev, NULL);
	TAILQ_INSERT_TAIL(&ctl_clients, c, entry);
	if (++ctl_nclients == CTLSRV_MAXCLIENTS)
		event_del(&ctl_ev_accept);
}

static void
ctlsrv_client_event(int fd, short event, void *arg)
{
	struct ctl_client	*c = arg;
	struct imsg		 imsg;
	ssize_t			 n;
	int			 r;

	if (event & EV_READ) {
		n = imsgbuf_read(&c->ibuf);
		if ((n == -1 && errno != EAGAIN) || n == 0) {
			ctlsrv_drop(c);
			return;
		}
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(&c->ibuf) == -1 && errno != EAGAIN) {
			ctlsrv_drop(c);
			return;
		}
	}
	for (;;) {
		r = imsg_get(&c->ibuf, &imsg);
		if (r == -1) {
			log_debug("control client %u: bad message, dropped",
			    c->id);
			ctlsrv_drop(c);
			return;
		}
		if (r == 0)
			break;
		/* Clients must not pass descriptors around. */
		if (imsg.fd != -1)
			close(imsg.fd);
		imsg.fd = -1;
		ctl_request(c, c->id, &imsg);
		imsg_free(&imsg);
		/* The handler may have closed it. */
		if (ctlsrv_byid(c->id) != c)
			return;
	}
	ctlsrv_rearm(c);
}

int
ctlsrv_send(uint32_t id, uint32_t type, const void *data, size_t len)
{
	struct ctl_client	*c;

	if ((c = ctlsrv_byid(id)) == NULL)
		return 0;
	if (imsgbuf_queued(&c->ibuf) > CTLSRV_MAXQUEUE) {
		log_debug("control client %u: not reading, dropped", id);
		ctlsrv_drop(c);
		return 0;
	}
	if (imsg_compose(&c->ibuf, type, 0, 0, -1, data, len) == -1) {
		log_warn("control client %u", id);
		ctlsrv_drop(c);
		return -1;
	}
	ctlsrv_rearm(c);
	return 0;
}

int
ctlsrv_result(uint32_t id, int status, const char *msg)
{
	struct ctl_result	 r;
	struct ctl_client	*c;
	struct iovec		 iov[2];
	size_t			 len = strlen(msg);

	if (len > CTL_MSG_LEN * 16)
		len = CTL_MSG_LEN * 16;
	if ((c = ctlsrv_byid(id)) == NULL)
		return 0;
	r.status = status;
	r.msglen = len;
	iov[0].iov_base = &r;
	iov[0].iov_len = sizeof(r);
	iov[1].iov_base = (void *)(uintptr_t)msg;
	iov[1].iov_len = len;
	if (imsg_compose_iov(&c->ibuf, IMSG_CTL_RESULT, 0, 0, -1, iov, 2) ==
	    -1) {
		ctlsrv_drop(c);
		return -1;
	}
	ctlsrv_rearm(c);
	return 0;
}

void
ctlsrv_close(uint32_t id)
{
	struct ctl_client	*c;

	if ((c = ctlsrv_byid(id)) != NULL)
		ctlsrv_drop(c);
}

void
ctlsrv_shutdown(void)
{
	struct ctl_client	*c;

	while ((c = TAILQ_FIRST(&ctl_clients)) != NULL)
		ctlsrv_drop(c);
	if (ctl_fd != -1) {
		event_del(&ctl_ev_accept);
		close(ctl_fd);
		ctl_fd = -1;
	}
}

void
ctlsrv_set_chans(struct proc_chan *chans)
{
	ctl_chans = chans;
}

static void
ctlsrv_forward(enum eg_proc to, uint32_t id, struct imsg *imsg)
{
	if (ctl_chans == NULL || proc_compose(&ctl_chans[to], imsg->hdr.type,
	    id, 0, -1, imsg->data, imsg->datalen) == -1)
		ctlsrv_result(id, 1, "daemon is shutting down");
}

void
ctlsrv_request(struct ctl_client *c, uint32_t id, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_CTL_SHOW_PEERS:
		if (imsg->datalen != 0)
			break;
		ctlsrv_forward(PROC_ENGINE, id, imsg);
		return;
	case IMSG_CTL_SHOW_ROUTES:
		if (imsg->datalen != 1)
			break;
		ctlsrv_forward(PROC_ROUTE, id, imsg);
		return;
	case IMSG_CTL_SHOW_LINKS:
		if (imsg->datalen != 0)
			break;
		ctlsrv_forward(PROC_ROUTE, id, imsg);
		return;
	case IMSG_CTL_RELOAD:
		if (imsg->datalen != 0)
			break;
		ctlsrv_forward(PROC_PARENT, id, imsg);
		return;
	default:
		break;
	}
	ctlsrv_result(id, 1, "unknown or malformed request");
}

void
ctlsrv_relay(struct proc_chan *pc, struct imsg *imsg)
{
	const char	*msg;
	size_t		 len;
	int		 status;

	switch (imsg->hdr.type) {
	case IMSG_CTL_PEER:
		if (imsg->datalen != sizeof(struct ctl_peer))
			fatalx("IMSG_CTL_PEER from %s: bad length",
			    proc_names[pc->peer]);
		break;
	case IMSG_CTL_ROUTE:
		if (imsg->datalen != sizeof(struct ctl_route))
			fatalx("IMSG_CTL_ROUTE from %s: bad length",
			    proc_names[pc->peer]);
		break;
	case IMSG_CTL_LINK:
		if (imsg->datalen != sizeof(struct ctl_link))
			fatalx("IMSG_CTL_LINK from %s: bad length",
			    proc_names[pc->peer]);
		break;
	case IMSG_CTL_COUNTER:
		if (imsg->datalen != sizeof(struct ctl_counter))
			fatalx("IMSG_CTL_COUNTER from %s: bad length",
			    proc_names[pc->peer]);
		break;
	case IMSG_CTL_RESULT:
		if (ctl_result_decode(imsg, &status, &msg, &len) == -1)
			fatalx("IMSG_CTL_RESULT from %s: bad length",
			    proc_names[pc->peer]);
		break;
	case IMSG_CTL_END:
		if (imsg->datalen != 0)
			fatalx("IMSG_CTL_END from %s: bad length",
			    proc_names[pc->peer]);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
	ctlsrv_send(imsg->hdr.peerid, imsg->hdr.type, imsg->data,
	    imsg->datalen);
}
