/*
 * Process framework: starting children, their channels, the dispatch
 * loop and config staging.  See proc.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "coalesce.h"
#include "imsgacl.h"
#include "proc.h"
#include "proc/proc_imsg.h"
#include "sandbox.h"
#include "util/log.h"
#include "version.h"

#define RECONF_CHUNK		(64 * 1024)
#define RECONF_MAX		(64 * 1024 * 1024)

struct proc_daemon	 proc_daemon;

const char *proc_names[PROC_MAX] = {
	[PROC_PARENT] = "parent",
	[PROC_ENGINE] = "engine",
	[PROC_ROUTE] = "route",
	[PROC_CONTROL] = "control",
	[PROC_RESOLVER] = "resolver",
};

static void __attribute__((__noreturn__))
proc_usage_to(FILE *fp, int status)
{
	fprintf(fp, "usage: %s [-dhnVv] [-f file] [-s socket] [-u user]\n",
	    proc_daemon.name);
	exit(status);
}

static void __attribute__((__noreturn__))
proc_usage(void)
{
	proc_usage_to(stderr, 1);
}

/*
 * setproctitle() reuses the memory of argv: keep nothing that points
 * into it.
 */
static const char *
proc_optarg(const char *arg)
{
	char	*s;

	if ((s = strdup(arg)) == NULL) {
		perror("strdup");
		exit(1);
	}
	return s;
}

void
proc_getopt(int argc, char *argv[], struct proc_args *args)
{
	int	ch;

	while ((ch = getopt(argc, argv, "df:hnP:s:u:Vv")) != -1) {
		switch (ch) {
		case 'd':
			proc_daemon.debug = 1;
			break;
		case 'h':
			proc_usage_to(stdout, 0);
		case 'V':
			/* The version an edge's Register carries. */
			printf("%s %s (%s)\n", proc_daemon.name, EG_VERSION,
			    EG_PROTO_NAME);
			exit(0);
		case 'f':
			args->conffile = proc_optarg(optarg);
			break;
		case 'n':
			args->noaction = 1;
			break;
		case 'P':
			args->role = proc_optarg(optarg);
			break;
		case 's':
			args->sockpath = proc_optarg(optarg);
			break;
		case 'u':
			proc_daemon.user = proc_optarg(optarg);
			break;
		case 'v':
			proc_daemon.verbose++;
			break;
		default:
			proc_usage();
		}
	}
	if (argc != optind)
		proc_usage();
	log_setverbose(proc_daemon.verbose);
	if (args->role != NULL) {
		log_init(proc_daemon.debug, LOG_DAEMON);
		if (proc_role_byname(args->role) == PROC_MAX) {
			fprintf(stderr, "%s: unknown process role %s\n",
			    proc_daemon.name, args->role);
			exit(1);
		}
	}
}

enum eg_proc
proc_role_byname(const char *name)
{
	int	i;

	for (i = PROC_ENGINE; i < PROC_MAX; i++)
		if (strcmp(name, proc_names[i]) == 0)
			return i;
	return PROC_MAX;
}

/* A child's descriptor for its channel to peer: 3 and up, itself skipped. */
int
proc_chan_fd(enum eg_proc self, enum eg_proc peer)
{
	return PROC_CHAN_FD_BASE + (peer < self ? (int)peer : (int)peer - 1);
}

/*
 * The resolver sends DNS queries wherever resolv.conf says and parses
 * the answers: whatever that does to it must not reach the engine or
 * control, so it has no channel to them, only to the parent.
 */
int
proc_linked(enum eg_proc a, enum eg_proc b)
{
	if (a == b || a >= PROC_MAX || b >= PROC_MAX)
		return 0;
	if (a == PROC_RESOLVER || b == PROC_RESOLVER)
		return a == PROC_PARENT || b == PROC_PARENT;
	return 1;
}

/* The resolver needs no config: its requests say everything. */
int
proc_takes_conf(enum eg_proc p)
{
	return p == PROC_ENGINE || p == PROC_ROUTE || p == PROC_CONTROL;
}

/*
 * A message this sender may not send to us: one line that says what
 * and from whom, then the daemon stops, failed.  A child exits and the
 * parent sees it die; the parent takes the children down itself.
 */
static void __attribute__((__noreturn__))
proc_refuse(struct proc_chan *pc, struct imsg *imsg, const char *name,
    enum imsgacl_verdict v)
{
	const char	*why = v == IMSGACL_UNKNOWN ? "unknown type" :
			    v == IMSGACL_FD ? "a descriptor it does not carry" :
			    "not allowed on this channel";
	char		 line[256];

	if (proc_daemon.self != PROC_PARENT)
		fatalx("message %u (%s) from %s refused: %s", imsg->hdr.type,
		    name != NULL ? name : "?", proc_names[pc->peer], why);
	/* With fatal()'s marker (log.c): the daemon stops because of it. */
	snprintf(line, sizeof(line), "fatal in %s: message %u (%s) from %s "
	    "refused: %s", log_procname(), imsg->hdr.type,
	    name != NULL ? name : "?", proc_names[pc->peer], why);
	log_raw(LOG_CRIT, line);
	if (imsg->fd != -1)
		close(imsg->fd);
	if (proc_daemon.refused != NULL)
		proc_daemon.refused();
	exit(1);
}

/* The queue drained: the samples held go, oldest key first. */
static void
proc_chan_unhold(struct proc_chan *pc)
{
	const void	*data;
	uint32_t	 type;
	size_t		 len;

	if (pc->held == NULL)
		return;
	while (imsgbuf_queued(&pc->ibuf) < PROC_HIWAT &&
	    coalesce_next(pc->held, &type, &data, &len) == 1)
		if (imsg_compose(&pc->ibuf, type, 0, 0, -1, data, len) == -1)
			fatal("held message to %s", proc_names[pc->peer]);
}

static void
proc_chan_event(int fd, short event, void *arg)
{
	struct proc_chan	*pc = arg;
	struct imsg		 imsg;
	enum imsgacl_verdict	 v;
	const char		*name;
	ssize_t			 n;
	int			 r;

	if (event & EV_READ) {
		n = imsgbuf_read(&pc->ibuf);
		if (n == -1 && errno != EAGAIN) {
			log_warn("read from %s", proc_names[pc->peer]);
			goto gone;
		}
		if (n == 0)
			goto gone;
	}
	if (event & EV_WRITE) {
		if (imsgbuf_write(&pc->ibuf) == -1 && errno != EAGAIN) {
			if (errno != EPIPE)
				log_warn("write to %s", proc_names[pc->peer]);
			goto gone;
		}
		proc_chan_unhold(pc);
	}
	for (;;) {
		r = imsg_get(&pc->ibuf, &imsg);
		if (r == -1) {
			log_warn("message from %s", proc_names[pc->peer]);
			goto gone;
		}
		if (r == 0)
			break;
		v = imsgacl_check(proc_daemon.acl, imsg.hdr.type, pc->peer,
		    proc_daemon.self, &name);
		if (v == IMSGACL_OK && imsg.fd != -1 &&
		    !imsgacl_find(proc_daemon.acl, imsg.hdr.type)->fd)
			v = IMSGACL_FD;
		if (v != IMSGACL_OK)
			proc_refuse(pc, &imsg, name, v);
		/*
		 * The parent passed every descriptor: the framework narrows
		 * the sandbox, the same way in every engine.
		 */
		if (imsg.hdr.type == IMSG_FDS_DONE) {
			if (imsg.datalen != 0)
				fatalx("IMSG_FDS_DONE: bad length");
			sandbox_fds_done();
			proc_daemon.fds_are_done = 1;
			if (proc_daemon.fds_done != NULL)
				proc_daemon.fds_done();
		}
		else	/* The handler owns a passed descriptor. */
			pc->dispatch(pc, &imsg);
		imsg_free(&imsg);
		if (!pc->active)
			return;
	}
	proc_chan_rearm(pc);
	return;

gone:
	proc_chan_close(pc);
	if (pc->closed != NULL)
		pc->closed(pc);
}

void
proc_chan_init(struct proc_chan *pc, int fd, enum eg_proc peer,
    proc_dispatch_cb dispatch, proc_closed_cb closed)
{
	int	flags;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		fatal("channel to %s", proc_names[peer]);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		fatal("channel to %s", proc_names[peer]);
	memset(pc, 0, sizeof(*pc));
	imsgbuf_init(&pc->ibuf, fd);
	pc->peer = peer;
	pc->dispatch = dispatch;
	pc->closed = closed;
	pc->active = 1;
	pc->events = EV_READ;
	event_set(&pc->ev, fd, pc->events | EV_PERSIST, proc_chan_event, pc);
	event_add(&pc->ev, NULL);
}

void
proc_chan_close(struct proc_chan *pc)
{
	if (!pc->active)
		return;
	event_del(&pc->ev);
	close(pc->ibuf.fd);
	imsgbuf_clear(&pc->ibuf);
	coalesce_free(pc->held);
	pc->held = NULL;
	pc->active = 0;
}

void
proc_chan_samples(struct proc_chan *pc, proc_sample_cb cb)
{
	pc->sample = cb;
}

void
proc_chan_stats(const struct proc_chan *pc, struct proc_chan_stats *st)
{
	struct coalesce_stats	cs;

	memset(st, 0, sizeof(*st));
	if (pc->held == NULL)
		return;
	coalesce_stats(pc->held, &cs);
	st->replaced = cs.replaced;
	st->full = cs.full;
	st->held = cs.held;
}

/*
 * A sample while the queue is above its mark, or others are held (the
 * newer go after them): held, newest per key.  1 if it was taken so.
 */
static int
proc_chan_hold(struct proc_chan *pc, uint32_t type, int fd,
    const struct iovec *iov, int iovcnt)
{
	uint8_t		 buf[COALESCE_MAXDATA];
	uint64_t	 key;
	size_t		 len = 0;
	int		 i;

	if (pc->sample == NULL || fd != -1 ||
	    (imsgbuf_queued(&pc->ibuf) < PROC_HIWAT &&
	    (pc->held == NULL || coalesce_count(pc->held) == 0)))
		return 0;
	for (i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > sizeof(buf) - len)
			return 0;
		memcpy(buf + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (!pc->sample(type, buf, len, &key))
		return 0;
	if (pc->held == NULL && (pc->held = coalesce_new(PROC_HELD_MAX)) ==
	    NULL)
		fatal("samples to %s", proc_names[pc->peer]);
	/* a full table counts the sample as dropped */
	(void)coalesce_put(pc->held, key, type, buf, len);
	return 1;
}

void
proc_chan_rearm(struct proc_chan *pc)
{
	short	events = EV_READ;

	if (!pc->active)
		return;
	if (imsgbuf_queued(&pc->ibuf) > 0)
		events |= EV_WRITE;
	if (events == pc->events)
		return;
	event_del(&pc->ev);
	pc->events = events;
	event_set(&pc->ev, pc->ibuf.fd, events | EV_PERSIST, proc_chan_event,
	    pc);
	event_add(&pc->ev, NULL);
}

int
proc_compose_iov(struct proc_chan *pc, uint32_t type, uint32_t peerid,
    pid_t pid, int fd, const struct iovec *iov, int iovcnt)
{
	if (!pc->active) {
		if (fd != -1)
			close(fd);
		errno = EPIPE;
		return -1;
	}
	if (peerid == 0 && pid == 0 && proc_chan_hold(pc, type, fd, iov,
	    iovcnt))
		return 0;
	if (imsg_compose_iov(&pc->ibuf, type, peerid, pid, fd, iov,
	    iovcnt) == -1) {
		if (errno == ENOBUFS)
			fatalx("%s has not read its messages: %zu bytes "
			    "queued", proc_names[pc->peer],
			    imsgbuf_queued(&pc->ibuf));
		return -1;
	}
	proc_chan_rearm(pc);
	return 0;
}

int
proc_compose(struct proc_chan *pc, uint32_t type, uint32_t peerid,
    pid_t pid, int fd, const void *data, size_t len)
{
	struct iovec	iov;

	iov.iov_base = (void *)(uintptr_t)data;
	iov.iov_len = len;
	return proc_compose_iov(pc, type, peerid, pid, fd, &iov, len ? 1 : 0);
}

/* Move fd above the range where the child's channels go. */
static int
fd_lift(int fd)
{
	int	nfd;

	if ((nfd = fcntl(fd, F_DUPFD, 64)) == -1)
		fatal("fcntl F_DUPFD");
	close(fd);
	return nfd;
}

static pid_t
proc_start_child(enum eg_proc role, int fds[PROC_MAX])
{
	char	*argv[16];
	char	 vflag[16];
	int	 argc = 0, p, target, i;
	pid_t	 pid;

	switch (pid = fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		return pid;
	}

	/* fds[p]: this child's end of its channel to p, already lifted. */
	for (p = 0; p < PROC_MAX; p++) {
		if (!proc_linked(role, p))
			continue;
		target = proc_chan_fd(role, p);
		if (dup2(fds[p], target) == -1)
			fatal("dup2");
	}
	closefrom(PROC_CHAN_FD_BASE + PROC_MAX - 1);

	argv[argc++] = (char *)proc_daemon.name;
	argv[argc++] = "-P";
	argv[argc++] = (char *)proc_names[role];
	if (proc_daemon.debug)
		argv[argc++] = "-d";
	if (proc_daemon.verbose > 0) {
		vflag[0] = '-';
		for (i = 0; i < proc_daemon.verbose && i < 8; i++)
			vflag[i + 1] = 'v';
		vflag[i + 1] = '\0';
		argv[argc++] = vflag;
	}
	argv[argc++] = "-u";
	argv[argc++] = (char *)proc_daemon.user;
	argv[argc] = NULL;

	/* Re-exec for a fresh address space layout per process. */
	execv("/proc/self/exe", argv);
	fatal("exec %s %s", proc_daemon.name, proc_names[role]);
}

void
proc_start_children(pid_t pids[PROC_MAX], int parent_fds[PROC_MAX])
{
	int	pairs[PROC_MAX][PROC_MAX];	/* pairs[a][b]: a's end to b */
	int	sp[2], a, b, c;

	for (a = 0; a < PROC_MAX; a++)
		for (b = 0; b < PROC_MAX; b++)
			pairs[a][b] = -1;
	for (a = 0; a < PROC_MAX; a++) {
		for (b = a + 1; b < PROC_MAX; b++) {
			if (!proc_linked(a, b))
				continue;
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1)
				fatal("socketpair");
			pairs[a][b] = fd_lift(sp[0]);
			pairs[b][a] = fd_lift(sp[1]);
		}
	}

	pids[PROC_PARENT] = getpid();
	for (c = PROC_ENGINE; c < PROC_MAX; c++) {
		int	fds[PROC_MAX];

		for (b = 0; b < PROC_MAX; b++)
			fds[b] = pairs[c][b];
		pids[c] = proc_start_child(c, fds);
		/* The child's ends are its own now. */
		for (b = 0; b < PROC_MAX; b++)
			if (pairs[c][b] != -1) {
				close(pairs[c][b]);
				pairs[c][b] = -1;
			}
	}
	for (b = 0; b < PROC_MAX; b++)
		parent_fds[b] = pairs[PROC_PARENT][b];
}

void
proc_child_fds(enum eg_proc self, int fds[PROC_MAX])
{
	struct stat	st;
	int		p;

	for (p = 0; p < PROC_MAX; p++) {
		fds[p] = -1;
		if (!proc_linked(self, p))
			continue;
		fds[p] = proc_chan_fd(self, p);
		if (fstat(fds[p], &st) == -1 || !S_ISSOCK(st.st_mode))
			fatalx("%s: channel to %s missing: the -P flag is "
			    "for the daemon's own use", proc_names[self],
			    proc_names[p]);
	}
}

static struct event	 proc_ev_sigterm, proc_ev_sigint;
static struct event	 proc_ev_sighup, proc_ev_sigpipe;

static void
proc_child_signal(int sig, short event, void *arg)
{
	switch (sig) {
	case SIGTERM:
		event_loopexit(NULL);
		break;
	default:
		/*
		 * SIGHUP and SIGINT (^C in the foreground reaches the whole
		 * process group) are the parent's: it reloads, or stops us
		 * with SIGTERM, and knows we did not die.
		 */
		break;
	}
}

static void
proc_child_chan_closed(struct proc_chan *pc)
{
	/*
	 * The parent gone means the daemon is going down.  A sibling gone
	 * is reported by the parent, which saw why it died and stops the
	 * rest of us.
	 */
	if (pc->peer == PROC_PARENT) {
		log_debug("parent closed the channel, exiting");
		exit(0);
	}
	log_debug("channel to %s closed", proc_names[pc->peer]);
}

static void	proc_test_imsg_later(struct proc_chan[PROC_MAX]);

void
proc_child_start(enum eg_proc self, int policy,
    struct proc_chan chans[PROC_MAX], const proc_dispatch_cb dispatch[PROC_MAX])
{
	int	fds[PROC_MAX], p;

	proc_daemon.self = self;
	log_procinit(proc_names[self]);
	proc_child_fds(self, fds);

	event_init();
	signal_set(&proc_ev_sigterm, SIGTERM, proc_child_signal, NULL);
	signal_set(&proc_ev_sigint, SIGINT, proc_child_signal, NULL);
	signal_set(&proc_ev_sighup, SIGHUP, proc_child_signal, NULL);
	signal_set(&proc_ev_sigpipe, SIGPIPE, proc_child_signal, NULL);
	signal_add(&proc_ev_sigterm, NULL);
	signal_add(&proc_ev_sigint, NULL);
	signal_add(&proc_ev_sighup, NULL);
	signal_add(&proc_ev_sigpipe, NULL);

	/*
	 * What would open files later, inside the chroot: jansson's hash
	 * seed (/dev/urandom) and the time zone (/etc/localtime).
	 */
	json_object_seed(0);
	tzset();
	/* glibc's resolver reads /etc where it is: resolver.c says why. */
	sandbox_enter(proc_daemon.user, self == PROC_RESOLVER ? NULL :
	    proc_daemon.chroot, proc_names[self], policy);
	sandbox_test_violation(proc_names[self]);

	for (p = 0; p < PROC_MAX; p++) {
		if (!proc_linked(self, p)) {
			memset(&chans[p], 0, sizeof(chans[p]));
			continue;
		}
		proc_chan_init(&chans[p], fds[p], p, dispatch[p],
		    proc_child_chan_closed);
	}
	if (!proc_daemon.debug)
		proc_log_to_parent(&chans[PROC_PARENT]);
	proc_test_imsg_later(chans);
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

/* Hex digits to bytes, at most max; -1 on anything else. */
static ssize_t
proc_test_hex(const char *s, uint8_t *buf, size_t max)
{
	size_t	n = 0;
	int	hi, lo;

	for (; s[0] != '\0'; s += 2) {
		if (n == max || s[1] == '\0')
			return -1;
		if ((hi = hexval(s[0])) == -1 || (lo = hexval(s[1])) == -1)
			return -1;
		buf[n++] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)n;
}

/* One "sender:receiver:type[:fd|:x=HEX]" of EG_TEST_IMSG, if ours. */
static void
proc_test_one(struct proc_chan chans[PROC_MAX], const char *spec)
{
	const struct imsgacl_rule	*r;
	static uint8_t			 data[65536];
	char				 from[16], to[16], type[64], *end;
	char				 arg[2 * sizeof(data) + 3] = "";
	enum eg_proc			 dst;
	unsigned long			 t;
	ssize_t				 len = 0;
	int				 xfd = -1;

	if (sscanf(spec, "%15[a-z]:%15[a-z]:%63[^:]:%131074s", from, to,
	    type, arg) < 3)
		fatalx("EG_TEST_IMSG: bad message %s", spec);
	if (strcmp(from, proc_names[proc_daemon.self]) != 0)
		return;
	/* A copy of stderr: fcntl is in every sandbox, open is not. */
	if (strcmp(arg, "fd") == 0 &&
	    (xfd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) == -1)
		fatal("EG_TEST_IMSG: a descriptor");
	if (strncmp(arg, "x=", 2) == 0 &&
	    (len = proc_test_hex(arg + 2, data, sizeof(data))) == -1)
		fatalx("EG_TEST_IMSG: bad data in %s", type);
	if (strcmp(to, proc_names[PROC_PARENT]) == 0)
		dst = PROC_PARENT;
	else if ((dst = proc_role_byname(to)) == PROC_MAX ||
	    dst == proc_daemon.self)
		fatalx("EG_TEST_IMSG: bad receiver %s", to);
	if ((r = imsgacl_byname(proc_daemon.acl, type)) != NULL)
		t = r->type;
	else {
		errno = 0;
		t = strtoul(type, &end, 10);
		if (errno != 0 || *end != '\0' || t > UINT32_MAX)
			fatalx("EG_TEST_IMSG: bad type %s", type);
	}
	log_warnx("EG_TEST_IMSG: sending message %lu (%s)%s, %zd bytes, to %s "
	    "on purpose", t, type, xfd != -1 ? " with a descriptor" : "", len,
	    proc_names[dst]);
	if (proc_compose(&chans[dst], (uint32_t)t, 0, 0, xfd,
	    len > 0 ? data : NULL, (size_t)len) == -1)
		fatal("EG_TEST_IMSG");
}

static void
proc_test_imsg_cb(int fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	proc_test_imsg(arg);
}

/*
 * EG_TEST_IMSG_DELAY_MS: the messages go that long after the channels
 * are up, once the daemon has started (a change to the config is
 * refused while the first one is being given out).
 */
static void
proc_test_imsg_later(struct proc_chan chans[PROC_MAX])
{
	static struct event	 ev;
	const char		*d = getenv("EG_TEST_IMSG_DELAY_MS");
	struct timeval		 tv;
	long			 ms;

	if (d == NULL || getenv("EG_TEST_IMSG") == NULL) {
		proc_test_imsg(chans);
		return;
	}
	if ((ms = strtol(d, NULL, 10)) < 0 || ms > 60000)
		fatalx("EG_TEST_IMSG_DELAY_MS: 0 to 60000, not %s", d);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_set(&ev, proc_test_imsg_cb, chans);
	evtimer_add(&ev, &tv);
}

void
proc_test_imsg(struct proc_chan chans[PROC_MAX])
{
	const char	*env = getenv("EG_TEST_IMSG");
	char		*copy, *p, *spec;

	if (env == NULL)
		return;
	if ((copy = strdup(env)) == NULL)
		fatal("EG_TEST_IMSG");
	for (p = copy; (spec = strsep(&p, " ")) != NULL;)
		if (*spec != '\0')
			proc_test_one(chans, spec);
	free(copy);
}

void
proc_unexpected(struct proc_chan *pc, struct imsg *imsg)
{
	fatalx("unexpected message type %u from %s", imsg->hdr.type,
	    proc_names[pc->peer]);
}

int
proc_send_conf(struct proc_chan *pc, uint32_t gen, const char *yaml,
    size_t len)
{
	size_t	off, n;

	for (off = 0; off < len; off += n) {
		n = len - off;
		if (n > RECONF_CHUNK)
			n = RECONF_CHUNK;
		if (proc_compose(pc, IMSG_RECONF_CONF, gen, 0, -1, yaml + off,
		    n) == -1)
			return -1;
	}
	return proc_compose(pc, IMSG_RECONF_DONE, gen, 0, -1, NULL, 0);
}

int
reconf_stage_add(struct reconf_stage *st, const void *data, size_t len)
{
	char	*p;
	size_t	 cap;

	if (len > RECONF_MAX || st->len + len + 1 > RECONF_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	if (st->len + len + 1 > st->cap) {
		cap = st->cap ? st->cap : RECONF_CHUNK;
		while (cap < st->len + len + 1)
			cap *= 2;
		if ((p = realloc(st->buf, cap)) == NULL)
			return -1;
		st->buf = p;
		st->cap = cap;
	}
	memcpy(st->buf + st->len, data, len);
	st->len += len;
	st->buf[st->len] = '\0';
	return 0;
}

int
reconf_stage_imsg(struct reconf_stage *st, struct imsg *imsg)
{
	if (imsg->hdr.type == IMSG_RECONF_DONE) {
		if (imsg->datalen != 0)
			fatalx("IMSG_RECONF_DONE: bad length");
		return 1;
	}
	if (reconf_stage_add(st, imsg->data, imsg->datalen) == -1)
		fatal("config from the parent");
	return 0;
}

char *
reconf_stage_take(struct reconf_stage *st, size_t *lenp)
{
	char	*p = st->buf;

	if (p == NULL && (p = strdup("")) == NULL)
		return NULL;
	*lenp = st->len;
	memset(st, 0, sizeof(*st));
	return p;
}

static struct proc_chan	*log_chan;

struct proc_log_hdr {
	int32_t		pri;
};

static void
proc_log_sink(int pri, const char *msg)
{
	struct proc_log_hdr	h;
	struct iovec		iov[2];

	h.pri = pri;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)msg;
	iov[1].iov_len = strlen(msg);
	if (log_chan == NULL || !log_chan->active)
		return;
	if (imsg_compose_iov(&log_chan->ibuf, IMSG_LOG, 0, 0, -1, iov, 2) ==
	    -1)
		return;
	/* A dying process must get its last words out before exit. */
	if (pri <= LOG_CRIT)
		imsgbuf_flush(&log_chan->ibuf);
	else {
		(void)imsgbuf_write(&log_chan->ibuf);
		proc_chan_rearm(log_chan);
	}
}

void
proc_log_to_parent(struct proc_chan *pc)
{
	log_chan = pc;
	log_setsink(proc_log_sink);
}

void
proc_log_from_child(struct imsg *imsg)
{
	struct proc_log_hdr	h;
	char			msg[2048];
	size_t			n;

	if (imsg->datalen < sizeof(h))
		fatalx("IMSG_LOG: short message");
	memcpy(&h, imsg->data, sizeof(h));
	n = imsg->datalen - sizeof(h);
	if (n >= sizeof(msg))
		n = sizeof(msg) - 1;
	memcpy(msg, (char *)imsg->data + sizeof(h), n);
	msg[n] = '\0';
	if (h.pri < LOG_EMERG || h.pri > LOG_DEBUG)
		h.pri = LOG_ERR;
	log_raw(h.pri, msg);
}
