/*
 * The emulator process: builds the WAN, then one single-threaded epoll
 * loop serves the TAP devices, the delay line's timer, the control
 * socket and the signals until it is told to stop, and tears the WAN
 * down on the way out.
 */
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/log.h"
#include "netsim.h"
#include "ctl.h"

#define MAX_CONNS	32
#define MAX_EVENTS	64

enum ev_kind {
	EV_TAP,
	EV_TIMER,
	EV_SIGNAL,
	EV_LISTEN,
	EV_CONN,
	EV_WATCH
};

struct sim {
	struct ns_env	*env;
	struct fwd	*fwd;
	int		 epfd;
	int		 timerfd;
	uint64_t	 armed_ns;	/* timer deadline, 0: disarmed */
	int		 sigfd;
	int		 listenfd;
	int		 watchfd;
	int		 watch_pid;
	struct ctl_conn	*conns[MAX_CONNS];
	int		 stop;
	char		 ctlpath[PATH_MAX];
	char		 pidpath[PATH_MAX];
};

static uint64_t
ev_data(enum ev_kind kind, int id)
{
	return (uint64_t)kind << 32 | (uint32_t)id;
}

static int
ev_add(struct sim *s, int fd, uint32_t events, enum ev_kind kind, int id)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = ev_data(kind, id);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("epoll_ctl");
		return -1;
	}
	return 0;
}

static void
conn_drop(struct sim *s, int slot)
{
	ctl_close(s->conns[slot]);
	s->conns[slot] = NULL;
}

/* Carries out one request; the reply goes to c's output buffer. */
static void
handle_request(struct sim *s, struct ctl_conn *c)
{
	struct ctl_req	r;
	char		err[256];

	if (ctl_parse(c->c_in, s->env->e_nnodes, &r, err, sizeof(err)) ==
	    -1) {
		buf_printf(&c->c_out, "error %s\n", err);
		return;
	}
	switch (r.op) {
	case CTL_SET:
		fwd_apply(s->fwd, &r);
		log_info("%s", c->c_in);
		buf_printf(&c->c_out, "ok\n");
		break;
	case CTL_STATS:
		buf_printf(&c->c_out, "ok\n");
		fwd_stats(s->fwd, r.src, r.dst, &c->c_out);
		break;
	case CTL_SHOW:
		buf_printf(&c->c_out, "ok\n");
		fwd_show(s->fwd, r.src, r.dst, &c->c_out);
		break;
	case CTL_NODES:
		buf_printf(&c->c_out, "ok\n");
		env_nodes(s->env, &c->c_out);
		break;
	case CTL_CLEAR:
		fwd_clear(s->fwd);
		buf_printf(&c->c_out, "ok\n");
		break;
	case CTL_STOP:
		/* Answered once the WAN is gone, so that stop waits for it. */
		log_info("stop requested");
		c->c_stopping = 1;
		s->stop = 1;
		break;
	}
}

static void
conn_event(struct sim *s, int slot, uint32_t events)
{
	struct ctl_conn		*c = s->conns[slot];
	struct epoll_event	 ev;
	int			 rv;

	if (c == NULL)
		return;
	if (c->c_out.b_len == 0 && !c->c_stopping) {
		if ((rv = ctl_read(c)) == 0)
			return;
		if (rv == -1) {
			conn_drop(s, slot);
			return;
		}
		handle_request(s, c);
		if (c->c_stopping)
			return;
	}
	if ((rv = ctl_flush(c)) != 0) {
		conn_drop(s, slot);
		return;
	}
	if ((events & EPOLLOUT) == 0) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLOUT;
		ev.data.u64 = ev_data(EV_CONN, slot);
		if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->c_fd, &ev) == -1)
			conn_drop(s, slot);
	}
}

static void
accept_conn(struct sim *s)
{
	struct ctl_conn	*c;
	int		 slot;

	if ((c = ctl_accept(s->listenfd)) == NULL)
		return;
	for (slot = 0; slot < MAX_CONNS; slot++)
		if (s->conns[slot] == NULL)
			break;
	if (slot == MAX_CONNS) {
		log_warnx("too many control connections");
		ctl_close(c);
		return;
	}
	s->conns[slot] = c;
	if (ev_add(s, c->c_fd, EPOLLIN, EV_CONN, slot) == -1)
		conn_drop(s, slot);
}

static void
signal_event(struct sim *s)
{
	struct signalfd_siginfo	si;

	if (read(s->sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	log_info("signal %u: stopping", si.ssi_signo);
	s->stop = 1;
}

/* Stops polling a broken TAP; frames toward it then count as txerr. */
static void
port_detach(struct sim *s, int id)
{
	if (epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->env->e_nodes[id].n_tapfd,
	    NULL) == -1)
		log_warn("epoll_ctl");
	log_warnx("port %d: detached, its eth0 is gone", id);
}

/* Points the timer at the delay line's next release, if it moved. */
static void
arm_timer(struct sim *s)
{
	struct itimerspec	its;
	uint64_t		next = fwd_next_release(s->fwd);

	if (next == s->armed_ns)
		return;
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(next / 1000000000ULL);
	its.it_value.tv_nsec = (long)(next % 1000000000ULL);
	if (timerfd_settime(s->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		fatal("timerfd_settime");
	s->armed_ns = next;
}

static void
run_loop(struct sim *s)
{
	struct epoll_event	evs[MAX_EVENTS];
	uint64_t		expirations;
	int			i, n, id;

	while (!s->stop) {
		arm_timer(s);
		n = epoll_wait(s->epfd, evs, MAX_EVENTS, -1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			id = (int)(uint32_t)evs[i].data.u64;
			switch ((enum ev_kind)(evs[i].data.u64 >> 32)) {
			case EV_TAP:
				if (fwd_input(s->fwd, id, mono_ns()) == -1)
					port_detach(s, id);
				break;
			case EV_TIMER:
				if (read(s->timerfd, &expirations,
				    sizeof(expirations)) == -1 &&
				    errno != EAGAIN)
					log_warn("timerfd");
				s->armed_ns = 0;
				break;
			case EV_SIGNAL:
				signal_event(s);
				break;
			case EV_LISTEN:
				accept_conn(s);
				break;
			case EV_CONN:
				conn_event(s, id, evs[i].events);
				break;
			case EV_WATCH:
				log_info("watched process %d exited: "
				    "stopping", s->watch_pid);
				s->stop = 1;
				break;
			}
		}
		fwd_release(s->fwd, mono_ns());
	}
}

/* Blocks the stopping signals into a signalfd; children get them back. */
static int
signals_setup(void)
{
	sigset_t	set;
	int		fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	return fd;
}

static int
write_pidfile(const char *path)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	fprintf(fp, "%d\n", (int)getpid());
	return fclose(fp) == 0 ? 0 : -1;
}

/* Everything the loop needs besides the WAN itself. */
static int
sim_setup(struct sim *s, const struct sim_opts *o)
{
	int	i;

	snprintf(s->ctlpath, sizeof(s->ctlpath), "%s/ctl", o->rundir);
	snprintf(s->pidpath, sizeof(s->pidpath), "%s/pid", o->rundir);
	if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (s->timerfd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC)) == -1) {
		log_warn("epoll/timerfd");
		return -1;
	}
	if (ev_add(s, s->timerfd, EPOLLIN, EV_TIMER, 0) == -1 ||
	    ev_add(s, s->sigfd, EPOLLIN, EV_SIGNAL, 0) == -1)
		return -1;
	if (o->watch_pid > 0) {
		s->watch_pid = o->watch_pid;
		s->watchfd = (int)syscall(SYS_pidfd_open, o->watch_pid, 0);
		if (s->watchfd == -1) {
			log_warn("pidfd_open %d", o->watch_pid);
			return -1;
		}
		if (ev_add(s, s->watchfd, EPOLLIN, EV_WATCH, 0) == -1)
			return -1;
	}
	s->fwd = fwd_new(s->env->e_nnodes, o->seed);
	for (i = 1; i <= s->env->e_nnodes; i++) {
		fwd_port(s->fwd, i, s->env->e_nodes[i].n_tapfd,
		    s->env->e_nodes[i].n_mac);
		if (ev_add(s, s->env->e_nodes[i].n_tapfd, EPOLLIN, EV_TAP,
		    i) == -1)
			return -1;
	}
	if ((s->listenfd = ctl_listen(s->ctlpath)) == -1 ||
	    ev_add(s, s->listenfd, EPOLLIN, EV_LISTEN, 0) == -1)
		return -1;
	if (write_pidfile(s->pidpath) == -1)
		return -1;
	if (o->rtprio > 0) {
		struct sched_param sp = { .sched_priority = o->rtprio };

		if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK,
		    &sp) == -1)
			log_warn("SCHED_FIFO %d (running without)",
			    o->rtprio);
	}
	/* Release times are exact to the nanosecond, not 50us late. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	return 0;
}

/* From here on nothing of ours goes to the caller's terminal or pipes. */
static void
detach_output(const char *rundir)
{
	char	path[PATH_MAX];
	int	fd;

	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/log", rundir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) != -1) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static void
sim_teardown(struct sim *s)
{
	struct ctl_conn	*c;
	int		 slot, fl;

	if (s->listenfd != -1) {
		close(s->listenfd);
		unlink(s->ctlpath);
	}
	env_destroy(s->env);
	unlink(s->pidpath);
	for (slot = 0; slot < MAX_CONNS; slot++) {
		if ((c = s->conns[slot]) == NULL)
			continue;
		if (c->c_stopping) {
			fl = fcntl(c->c_fd, F_GETFL);
			fcntl(c->c_fd, F_SETFL, fl & ~O_NONBLOCK);
			buf_printf(&c->c_out, "ok\n");
			ctl_flush(c);
		}
		conn_drop(s, slot);
	}
	if (s->fwd != NULL)
		fwd_free(s->fwd);
}

/*
 * Builds the WAN e describes and serves it until stopped.  Unless in
 * the foreground, the caller's process returns 0 as soon as the WAN is
 * ready (1 if it could not be built) while a child serves it.
 */
int
sim_start(struct ns_env *e, const struct sim_opts *o)
{
	struct sim	s;
	pid_t		pid;
	char		c;
	int		ready[2] = { -1, -1 }, status;

	if (!o->foreground) {
		if (pipe2(ready, O_CLOEXEC) == -1)
			fatal("pipe");
		if ((pid = fork()) == -1)
			fatal("fork");
		if (pid > 0) {
			close(ready[1]);
			if (read(ready[0], &c, 1) == 1)
				return 0;
			/* It failed and undid its setup: collect why. */
			waitpid(pid, &status, 0);
			return 1;
		}
		close(ready[0]);
		setsid();
	}
	memset(&s, 0, sizeof(s));
	s.env = e;
	s.listenfd = s.watchfd = s.timerfd = s.epfd = -1;
	s.sigfd = signals_setup();
	log_init(1, LOG_DAEMON);

	if (env_create(e) == -1 || sim_setup(&s, o) == -1) {
		sim_teardown(&s);
		log_warnx("setup failed; undone");
		_exit(1);
	}
	if (!o->foreground) {
		detach_output(o->rundir);
		if (write(ready[1], "k", 1) != 1)
			log_warn("ready pipe");
		close(ready[1]);
	}
	log_info("running: %d nodes, prefix %s, control %s", e->e_nnodes,
	    e->e_prefix, s.ctlpath);
	run_loop(&s);
	sim_teardown(&s);
	log_info("stopped; namespaces removed");
	_exit(0);
}
