/*
 * ifpeer: the far side of an egd socket interface, for the interface
 * tests.  Frames come in on stdin as lines of hex and go out on the
 * socket, delimited as egd/parent_iface.h says for that kind; frames read from
 * the socket are printed as lines of hex.
 *
 * usage: ifpeer [-e] [-a acceptfile] [-r readyfile] [-b localaddr]
 *	  [-w seconds] mode addr
 *	  ifpeer [-r readyfile] fd command [arg ...]
 * modes: udp-listen, udp-connect, unixgram-listen, unixgram-connect,
 *	  tcp-listen, tcp-connect, unix-listen, unix-connect,
 *	  seqpacket-listen, seqpacket-connect
 *   -listen   binds addr (host:port or a path) and answers the last
 *	       sender (datagrams) or the newest accepted connection
 *   -connect  connects to addr, retrying for up to -w seconds (10);
 *	       datagrams are sent to addr unconnected, so that they may
 *	       come back from any address (egd may send from another)
 *   -b        binds the socket to localaddr first (a unixgram socket
 *	       needs a name, or egd cannot answer it); a unix address
 *	       "@name" is in the abstract namespace
 *   -e        exit once stdin is finished and sent, rather than go on
 *	       receiving until killed
 *   -r        created once the socket is bound or connected
 *   -a        created once a listener has accepted a connection
 *   fd        makes a SOCK_SEQPACKET socketpair and runs command with
 *	       one end in EG_FD_RX and EG_FD_TX (egd's fd interface);
 *	       exits when the command does, and passes SIGTERM on to it
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX	65535
#define LINE_MAX_HEX	(2 * FRAME_MAX + 2)

enum delim {
	D_DGRAM,		/* one frame per datagram or message */
	D_STREAM		/* two bytes of length, big-endian, per frame */
};

struct mode {
	const char	*name;
	int		 family;	/* AF_INET (any IP) or AF_UNIX */
	int		 type;
	int		 listen;
};

static const struct mode modes[] = {
	{ "udp-listen",		AF_INET, SOCK_DGRAM,	 1 },
	{ "udp-connect",	AF_INET, SOCK_DGRAM,	 0 },
	{ "unixgram-listen",	AF_UNIX, SOCK_DGRAM,	 1 },
	{ "unixgram-connect",	AF_UNIX, SOCK_DGRAM,	 0 },
	{ "tcp-listen",		AF_INET, SOCK_STREAM,	 1 },
	{ "tcp-connect",	AF_INET, SOCK_STREAM,	 0 },
	{ "unix-listen",	AF_UNIX, SOCK_STREAM,	 1 },
	{ "unix-connect",	AF_UNIX, SOCK_STREAM,	 0 },
	{ "seqpacket-listen",	AF_UNIX, SOCK_SEQPACKET, 1 },
	{ "seqpacket-connect",	AF_UNIX, SOCK_SEQPACKET, 0 },
};

struct state {
	enum delim		 delim;
	int			 listenfd;	/* -1 unless a stream listener */
	int			 fd;		/* where frames go, -1: none yet */
	int			 answer_last;	/* datagram listener */
	int			 fixed_dest;	/* datagrams always to last */
	int			 eof_on_zero;	/* seqpacket: 0 bytes is EOF */
	struct sockaddr_storage	 last;
	socklen_t		 lastlen;
	uint8_t			*sbuf;		/* stream reassembly */
	size_t			 slen;
	char			*line;		/* stdin reassembly */
	size_t			 linelen;
	int			 stdin_open;
};

static volatile sig_atomic_t	 got_term;

static void
on_term(int sig)
{
	got_term = sig;
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: ifpeer [-e] [-a acceptfile] [-r readyfile] "
	    "[-b localaddr] [-w seconds] mode addr\n"
	    "       ifpeer [-r readyfile] fd command [arg ...]\n");
	exit(2);
}

/* addr is host:port ([v6]:port) for AF_INET, a path for AF_UNIX. */
static void
parse_addr(int family, const char *addr, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_un	*sun = (struct sockaddr_un *)ss;
	struct addrinfo		 hints, *res;
	char			 host[256], *port;
	int			 rv;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_UNIX) {
		sun->sun_family = AF_UNIX;
		if (strlen(addr) >= sizeof(sun->sun_path) || *addr == '\0')
			errx(2, "%s: bad socket path", addr);
		strcpy(sun->sun_path, addr);
		*len = sizeof(*sun);
		/* "@name": the abstract namespace, which has no files. */
		if (addr[0] == '@') {
			sun->sun_path[0] = '\0';
			*len = offsetof(struct sockaddr_un, sun_path) +
			    strlen(addr);
		}
		return;
	}
	if (strlen(addr) >= sizeof(host))
		errx(2, "%s: too long", addr);
	strcpy(host, addr);
	if ((port = strrchr(host, ':')) == NULL)
		errx(2, "%s: want host:port", addr);
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rv = getaddrinfo(host, port, &hints, &res)) != 0)
		errx(2, "%s: %s", addr, gai_strerror(rv));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
}

static void
ready(const char *file)
{
	int	fd;

	if (file == NULL)
		return;
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		err(1, "%s", file);
	close(fd);
}

static void
print_frame(const uint8_t *frame, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		printf("%02x", frame[i]);
	printf("\n");
	fflush(stdout);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A line of hex into frame; its length, or -1 if it is not hex. */
static ssize_t
parse_hex(const char *line, size_t n, uint8_t *frame)
{
	size_t	i;
	int	hi, lo;

	if (n % 2 != 0 || n / 2 > FRAME_MAX)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if ((hi = hexval(line[2 * i])) == -1 ||
		    (lo = hexval(line[2 * i + 1])) == -1)
			return -1;
		frame[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(n / 2);
}

static void
send_frame(struct state *st, const uint8_t *frame, size_t len)
{
	uint8_t	hdr[2] = { len >> 8, len & 0xff };
	ssize_t	r;

	if (st->fd == -1) {
		warnx("no socket to send to yet: frame dropped");
		return;
	}
	if (st->delim == D_STREAM) {
		if (write(st->fd, hdr, 2) != 2 ||
		    write(st->fd, frame, len) != (ssize_t)len)
			warn("stream write");
		return;
	}
	if (st->answer_last) {
		if (st->lastlen == 0) {
			warnx("nobody has sent to us yet: frame dropped");
			return;
		}
		r = sendto(st->fd, frame, len, 0,
		    (struct sockaddr *)&st->last, st->lastlen);
	} else
		r = send(st->fd, frame, len, 0);
	if (r == -1)
		warn("send");
}

/* Every complete line on stdin goes out as a frame. */
static void
read_stdin(struct state *st, uint8_t *frame)
{
	char	*nl;
	size_t	 n;
	ssize_t	 r, flen;

	r = read(STDIN_FILENO, st->line + st->linelen,
	    LINE_MAX_HEX - st->linelen);
	if (r <= 0) {
		if (r == -1 && errno == EINTR)
			return;
		st->stdin_open = 0;
		return;
	}
	st->linelen += r;
	while ((nl = memchr(st->line, '\n', st->linelen)) != NULL) {
		n = nl - st->line;
		if ((flen = parse_hex(st->line, n, frame)) == -1)
			warnx("stdin: not a line of hex: ignored");
		else
			send_frame(st, frame, flen);
		memmove(st->line, nl + 1, st->linelen - n - 1);
		st->linelen -= n + 1;
	}
	if (st->linelen == LINE_MAX_HEX) {
		warnx("stdin: line too long: ignored");
		st->linelen = 0;
	}
}

/* Frames from the socket to stdout; -1 when the connection is over. */
static int
read_sock(struct state *st, uint8_t *frame)
{
	size_t	flen;
	ssize_t	r;

	if (st->delim == D_DGRAM) {
		if (st->fixed_dest)
			r = recv(st->fd, frame, FRAME_MAX, 0);
		else {
			st->lastlen = sizeof(st->last);
			r = recvfrom(st->fd, frame, FRAME_MAX, 0,
			    (struct sockaddr *)&st->last, &st->lastlen);
		}
		if (r == -1)
			return errno == EINTR || errno == EAGAIN ||
			    errno == ECONNREFUSED ? 0 : -1;
		if (r == 0 && st->eof_on_zero)
			return -1;
		print_frame(frame, r);
		return 0;
	}
	r = read(st->fd, st->sbuf + st->slen, 2 + FRAME_MAX - st->slen);
	if (r <= 0)
		return r == -1 && errno == EINTR ? 0 : -1;
	st->slen += r;
	while (st->slen >= 2) {
		flen = (size_t)st->sbuf[0] << 8 | st->sbuf[1];
		if (st->slen < 2 + flen)
			break;
		print_frame(st->sbuf + 2, flen);
		memmove(st->sbuf, st->sbuf + 2 + flen, st->slen - 2 - flen);
		st->slen -= 2 + flen;
	}
	return 0;
}

static int
open_socket(const struct mode *m, const char *addr, const char *local,
    int wait_sec, struct state *st)
{
	struct sockaddr_storage	 ss, ls;
	socklen_t		 sslen, lslen;
	struct timespec		 pause = { 0, 50 * 1000 * 1000 };
	int			 s, one = 1, tries;

	parse_addr(m->family, addr, &ss, &sslen);
	tries = wait_sec * 20;
	for (;;) {
		if ((s = socket(ss.ss_family, m->type | SOCK_CLOEXEC, 0)) ==
		    -1)
			err(1, "socket");
		setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
		if (local != NULL) {
			parse_addr(m->family, local, &ls, &lslen);
			if (m->family == AF_UNIX && local[0] != '@')
				unlink(local);
			if (bind(s, (struct sockaddr *)&ls, lslen) == -1)
				err(1, "bind %s", local);
		}
		if (m->listen) {
			if (m->family == AF_UNIX && addr[0] != '@')
				unlink(addr);
			else
				setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
				    sizeof(one));
			if (bind(s, (struct sockaddr *)&ss, sslen) == -1)
				err(1, "bind %s", addr);
			if (m->type != SOCK_DGRAM) {
				if (listen(s, 4) == -1)
					err(1, "listen");
				st->listenfd = s;
				st->fd = -1;
			} else {
				st->fd = s;
				st->answer_last = 1;
			}
			return 0;
		}
		if (m->type == SOCK_DGRAM) {
			memcpy(&st->last, &ss, sslen);
			st->lastlen = sslen;
			st->answer_last = st->fixed_dest = 1;
			break;
		}
		if (connect(s, (struct sockaddr *)&ss, sslen) == 0)
			break;
		if (--tries <= 0)
			err(1, "connect %s", addr);
		close(s);
		nanosleep(&pause, NULL);
	}
	st->fd = s;
	return 0;
}

/* fd mode: the command gets one end of a socketpair as its interface. */
static pid_t
spawn(char **argv, struct state *st)
{
	char	num[16];
	int	sp[2];
	pid_t	pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) == -1)
		err(1, "socketpair");
	switch (pid = fork()) {
	case -1:
		err(1, "fork");
	case 0:
		close(sp[0]);
		snprintf(num, sizeof(num), "%d", sp[1]);
		setenv("EG_FD_RX", num, 1);
		setenv("EG_FD_TX", num, 1);
		execvp(argv[0], argv);
		err(127, "%s", argv[0]);
	default:
		break;
	}
	close(sp[1]);
	fcntl(sp[0], F_SETFD, FD_CLOEXEC);
	st->fd = sp[0];
	return pid;
}

int
main(int argc, char *argv[])
{
	const struct mode	*m = NULL;
	struct state		 st;
	struct pollfd		 pfd[3];
	struct sigaction	 sa;
	const char		*readyfile = NULL, *local = NULL;
	const char		*acceptfile = NULL;
	uint8_t			*frame;
	pid_t			 child = -1;
	size_t			 i;
	int			 ch, exit_on_eof = 0, wait_sec = 10, n, status;
	int			 s;

	while ((ch = getopt(argc, argv, "+a:b:er:w:")) != -1) {
		switch (ch) {
		case 'a':
			acceptfile = optarg;
			break;
		case 'b':
			local = optarg;
			break;
		case 'e':
			exit_on_eof = 1;
			break;
		case 'r':
			readyfile = optarg;
			break;
		case 'w':
			wait_sec = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();

	memset(&st, 0, sizeof(st));
	st.listenfd = st.fd = -1;
	st.stdin_open = 1;
	if ((frame = malloc(FRAME_MAX)) == NULL ||
	    (st.sbuf = malloc(2 + FRAME_MAX)) == NULL ||
	    (st.line = malloc(LINE_MAX_HEX)) == NULL)
		err(1, "malloc");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (strcmp(argv[0], "fd") == 0) {
		st.delim = D_DGRAM;
		st.eof_on_zero = 1;
		child = spawn(argv + 1, &st);
	} else {
		if (argc != 2)
			usage();
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (strcmp(modes[i].name, argv[0]) == 0)
				m = &modes[i];
		if (m == NULL)
			usage();
		st.delim = m->type == SOCK_STREAM ? D_STREAM : D_DGRAM;
		st.eof_on_zero = m->type == SOCK_SEQPACKET;
		open_socket(m, argv[1], local, wait_sec, &st);
	}
	ready(readyfile);

	while (!got_term) {
		n = 0;
		pfd[n].fd = st.stdin_open ? STDIN_FILENO : -1;
		pfd[n++].events = POLLIN;
		pfd[n].fd = st.fd;
		pfd[n++].events = POLLIN;
		pfd[n].fd = st.listenfd;
		pfd[n++].events = POLLIN;
		if (poll(pfd, n, child != -1 ? 100 : -1) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (child != -1 && waitpid(child, &status, WNOHANG) == child)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		if (pfd[2].revents & POLLIN) {
			/* The newest connection wins, as in egd. */
			if ((s = accept4(st.listenfd, NULL, NULL,
			    SOCK_CLOEXEC)) != -1) {
				if (st.fd != -1)
					close(st.fd);
				st.fd = s;
				st.slen = 0;
				ready(acceptfile);
			}
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (read_sock(&st, frame) == -1) {
				if (st.listenfd == -1 && child == -1)
					errx(1, "connection closed");
				close(st.fd);
				st.fd = -1;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP))
			read_stdin(&st, frame);
		if (!st.stdin_open && exit_on_eof)
			break;
	}
	if (child != -1) {
		kill(child, SIGTERM);
		waitpid(child, &status, 0);
	}
	return 0;
}
