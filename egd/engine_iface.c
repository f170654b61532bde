/*
 * The interface in the engine: the descriptors the parent passes (a
 * device, a socket, stdin and stdout, or stream connections), read
 * when readable by the handler the engine gives, written when there is
 * room for the rest of a frame, and what is done when one closes.
 */
#include <sys/types.h>

#include <event.h>
#include <fcntl.h>
#include <string.h>

#include "egd.h"
#include "engine.h"
#include "util/log.h"

static struct {
	struct ifio		 io;
	struct proc_chan	*parent;
	void			(*readcb)(int, short, void *);
	char			 name[64];
	struct event		 ev_rx;
	struct event		 ev_conn[IFIO_MAXCONN];
	struct event		 ev_conn_out[IFIO_MAXCONN];	/* room */
} ifc;

void
iface_init(struct proc_chan *parent, void (*readcb)(int, short, void *))
{
	ifc.parent = parent;
	ifc.readcb = readcb;
	ifc.io.rxfd = ifc.io.txfd = -1;
	ifc.io.conns[0].fd = ifc.io.conns[1].fd = -1;
}

struct ifio *
iface_io(void)
{
	return &ifc.io;
}

void
iface_set_info(struct imsg *imsg)
{
	struct ifio_info	info;

	if (imsg->datalen != sizeof(info))
		fatalx("IMSG_EGD_IFACE: bad length");
	memcpy(&info, imsg->data, sizeof(info));
	strlcpy(ifc.name, info.name, sizeof(ifc.name));
	ifio_init(&ifc.io, &info);
}

/*
 * The data path reads an interface until it has nothing more: a
 * blocking descriptor (a socket, stdin, EG_FD_RX) would stall the
 * whole engine on the read after the last frame.
 */
static void
iface_nonblock(int fd)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("interface descriptor: O_NONBLOCK");
}

static void
iface_watch(struct event *ev, int fd)
{
	event_set(ev, fd, EV_READ | EV_PERSIST, ifc.readcb, NULL);
	event_add(ev, NULL);
}

static void
iface_out_stop(int slot)
{
	struct event	*ev = &ifc.ev_conn_out[slot];

	if (event_initialized(ev) && event_pending(ev, EV_WRITE, NULL))
		event_del(ev);
}

static void
iface_writable(int fd, short event, void *arg)
{
	if (ifio_flush(&ifc.io, fd))
		iface_out();
}

void
iface_out(void)
{
	struct ifio_conn	*c;
	struct event		*ev;
	int			 i;

	for (i = 0; i < IFIO_MAXCONN; i++) {
		c = &ifc.io.conns[i];
		ev = &ifc.ev_conn_out[i];
		if (c->fd == -1 || c->outlen == 0 || (event_initialized(ev) &&
		    event_pending(ev, EV_WRITE, NULL)))
			continue;
		event_set(ev, c->fd, EV_WRITE, iface_writable, NULL);
		event_add(ev, NULL);
	}
}

void
iface_closed(int fd)
{
	int	i, dialed;

	for (i = 0; i < IFIO_MAXCONN; i++) {
		if (ifc.io.conns[i].fd != fd)
			continue;
		event_del(&ifc.ev_conn[i]);
		iface_out_stop(i);
		dialed = ifc.io.conns[i].dialed;
		ifio_drop_conn(&ifc.io, fd);
		/* The parent dials again, or waits for the next client. */
		proc_compose(ifc.parent, IMSG_EGD_IFACE_DOWN, 0, 0, -1,
		    &dialed, sizeof(dialed));
		return;
	}
	if (fd == ifc.io.rxfd) {
		log_warnx("interface %s: end of input", ifc.name);
		event_del(&ifc.ev_rx);
	}
}

void
iface_fd(struct imsg *imsg)
{
	int	role;

	if (imsg->datalen != sizeof(role) || imsg->fd == -1)
		fatalx("IMSG_EGD_IFACE_FD: bad message");
	memcpy(&role, imsg->data, sizeof(role));
	iface_nonblock(imsg->fd);
	switch (role) {
	case IFIO_RX:
	case IFIO_RXTX:
		ifc.io.rxfd = imsg->fd;
		iface_watch(&ifc.ev_rx, imsg->fd);
		break;
	case IFIO_TX:
		ifc.io.txfd = imsg->fd;
		break;
	case IFIO_CONN:
	default:
		fatalx("IMSG_EGD_IFACE_FD: bad role %d", role);
	}
}

void
iface_conn(struct imsg *imsg)
{
	int	dialed, slot;

	if (imsg->datalen != sizeof(dialed) || imsg->fd == -1)
		fatalx("IMSG_EGD_IFACE_CONN: bad message");
	memcpy(&dialed, imsg->data, sizeof(dialed));
	iface_nonblock(imsg->fd);
	slot = dialed ? 1 : 0;
	if (ifc.io.conns[slot].fd != -1)
		event_del(&ifc.ev_conn[slot]);
	iface_out_stop(slot);
	ifio_add_conn(&ifc.io, imsg->fd, dialed);
	iface_watch(&ifc.ev_conn[slot], imsg->fd);
}

void
iface_free(void)
{
	ifio_free(&ifc.io);
}
