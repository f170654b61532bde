/*
 * The parent dials the EdgeAPI for control, which may not create or
 * connect sockets: on IMSG_EGD_APICONN_REQ a non-blocking TCP connect to
 * the address the parent resolved, at most one at a time and one per
 * APIDIAL_GAP_MS, with a deadline; the connected socket, or the errno,
 * goes back in IMSG_EGD_APICONN.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "egd.h"
#include "egd_imsg.h"
#include "util/log.h"

#define APIDIAL_GAP_MS		1000
#define APIDIAL_TIMEOUT_S	10

static struct {
	struct proc_chan	*ctl;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd;		/* connecting; -1: not */
	struct timespec		 last;		/* when the last dial began */
	int			 dialed;	/* last is set */
	struct event		 ev_conn;
	struct event		 ev_gap;
} ad = { .fd = -1 };

static void
reply(int fd, int error)
{
	if (proc_compose(ad.ctl, IMSG_EGD_APICONN, 0, 0, fd, &error,
	    sizeof(error)) == -1)
		fatal("EdgeAPI connection to control");
}

static void
dial_done(int fd, short event, void *arg)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	ad.fd = -1;
	if (event & EV_TIMEOUT)
		err = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		close(fd);
		reply(-1, err);
		return;
	}
	reply(fd, 0);
}

static void
dial(int fd, short event, void *arg)
{
	struct timeval	tv = { APIDIAL_TIMEOUT_S, 0 };
	int		s;

	clock_gettime(CLOCK_MONOTONIC, &ad.last);
	ad.dialed = 1;
	if ((s = socket(ad.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		reply(-1, errno);
		return;
	}
	if (connect(s, (struct sockaddr *)&ad.ss, ad.sslen) == 0) {
		reply(s, 0);
		return;
	}
	if (errno != EINPROGRESS) {
		reply(-1, errno);
		close(s);
		return;
	}
	ad.fd = s;
	event_set(&ad.ev_conn, s, EV_WRITE, dial_done, NULL);
	event_add(&ad.ev_conn, &tv);
}

void
egd_apidial_init(struct proc_chan *ctl, const struct sockaddr_storage *ss)
{
	ad.ctl = ctl;
	ad.ss = *ss;
	ad.sslen = ss->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	evtimer_set(&ad.ev_gap, dial, NULL);
}

/* A reload moved the EdgeAPI: the next dial goes to the new address. */
void
egd_apidial_addr(const struct sockaddr_storage *ss)
{
	ad.ss = *ss;
	ad.sslen = ss->ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

void
egd_apidial_request(struct imsg *imsg)
{
	struct timespec	now;
	struct timeval	tv;
	long long	ms;

	if (imsg->datalen != 0)
		fatalx("IMSG_EGD_APICONN_REQ: bad length");
	if (ad.ctl == NULL)
		fatalx("IMSG_EGD_APICONN_REQ: not in super mode");
	/* One dial answers every request made while it runs or waits. */
	if (ad.fd != -1 || evtimer_pending(&ad.ev_gap, NULL))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - ad.last.tv_sec) * 1000LL +
	    (now.tv_nsec - ad.last.tv_nsec) / 1000000;
	if (!ad.dialed || ms >= APIDIAL_GAP_MS || ms < 0) {
		dial(-1, 0, NULL);
		return;
	}
	ms = APIDIAL_GAP_MS - ms;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&ad.ev_gap, &tv);
}
