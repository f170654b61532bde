/*
 * Parent-side helpers: see parent.h.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "ctl.h"
#include "parent.h"
#include "parent_resolve.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

static struct {
	const struct parent_ops	*ops;
	const char		*conffile;
	const char		*sockpath;
	void			*conf;
	pid_t			 pids[PROC_MAX];
	struct proc_chan	 chans[PROC_MAX];
	struct event		 ev_sigterm, ev_sigint, ev_sighup;
	struct event		 ev_sigchld, ev_sigpipe;
	int			 stopping;
	int			 ctlfd;		/* until control has it */
	int			 noaction;	/* -n: only a check */
} par;

/*
 * The config path as written, made absolute against the directory the
 * daemon was started in: reloads and the files the parent writes back
 * (SaveNewPeers, the Manage API) find it whatever the cwd.  No symlink
 * is resolved: a link swapped to another file is followed on reload.
 */
static char *
parent_abspath(const char *path)
{
	char	*cwd, *abs;

	if (path[0] == '/') {
		if ((abs = strdup(path)) == NULL)
			err(1, NULL);
		return abs;
	}
	if ((cwd = getcwd(NULL, 0)) == NULL)
		err(1, "getcwd");
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
	    path) == -1)
		err(1, NULL);
	free(cwd);
	return abs;
}

/*
 * What the daemon refuses though the file parses, and a file holding
 * secrets that others may read: -n, the start and reloads alike.
 * 0, or -1 with the reason in why.
 */
static int
parent_runnable(const void *conf, char *why, size_t len)
{
	if (conf_file_is_exposed(par.conffile)) {
		snprintf(why, len, "%s holds secrets but is readable by group "
		    "or others: chmod 600 it", par.conffile);
		return -1;
	}
	if (par.ops->runnable != NULL)
		return par.ops->runnable(conf, why, len);
	return 0;
}

void *
parent_conf(void)
{
	return par.conf;
}

const struct parent_ops *
parent_ops(void)
{
	return par.ops;
}

void
parent_conf_committed(void *conf, int initial)
{
	void	*old = par.conf;

	if (initial) {
		if (proc_compose(&par.chans[PROC_CONTROL], IMSG_CONTROLFD, 0, 0,
		    par.ctlfd, NULL, 0) == -1)
			fatal("control socket to control");
		par.ctlfd = -1;
		if (par.ops->started != NULL)
			par.ops->started(par.conf, par.chans);
		/* Set up: what only root could do is done. */
		parent_drop_caps();
		return;
	}
	par.conf = conf;
	log_setcats(conf_log_categories(par.ops->loglevel(conf)));
	if (par.ops->reloaded != NULL)
		par.ops->reloaded(conf, old, par.chans);
	par.ops->free(old);
}

struct proc_chan *
parent_chan(enum eg_proc p)
{
	return &par.chans[p];
}

static void *
parent_load(struct conf_diags *diags)
{
	memset(diags, 0, sizeof(*diags));
	/* -n too: it says whether the daemon would take the file. */
	return par.ops->load(par.conffile, diags, CONF_LOAD_TRUSTED);
}

/* How a reload ended, for the egctl client it came from (peerid). */
static void
parent_reload_answer(int status, const char *msg, void *arg)
{
	ctl_result_compose(&par.chans[PROC_CONTROL], (uint32_t)(uintptr_t)arg,
	    status, msg);
}

/*
 * Re-read the config.  A config with errors is refused at once; one that
 * parses goes through parent_reconf(), which answers through done.
 */
static void
parent_reload(reconf_done_cb done, void *arg)
{
	struct conf_diags	 diags;
	char			 msg[CTL_MSG_LEN], why[CTL_MSG_LEN - 16];
	void			*conf;
	size_t			 i;

	log_info("reloading %s", par.conffile);
	conf = parent_load(&diags);
	for (i = 0; i < diags.count; i++)
		log_warnx("%s", diags.items[i].msg);
	if (conf == NULL) {
		snprintf(msg, sizeof(msg), "%s: %zu error%s, config not reloaded "
		    "(the running one stays)%s%s", par.conffile, diags.nerrors,
		    diags.nerrors == 1 ? "" : "s", diags.count ? "\n" : "",
		    diags.count ? diags.items[0].msg : "");
		log_warnx("reload: %s has errors, keeping the running config",
		    par.conffile);
		conf_diags_free(&diags);
		if (done != NULL)
			done(-1, msg, arg);
		return;
	}
	conf_diags_free(&diags);
	if (parent_runnable(conf, why, sizeof(why)) == -1) {
		snprintf(msg, sizeof(msg), "%s: not reloaded", why);
		log_warnx("reload: %s", msg);
		par.ops->free(conf);
		if (done != NULL)
			done(-1, msg, arg);
		return;
	}
	parent_reconf(conf, 0, NULL, done, arg);
}

static void
parent_dispatch(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_LOG:
		proc_log_from_child(imsg);
		return;
	case IMSG_RECONF_STAGED:
	case IMSG_RECONF_COMMITTED:
		parent_reconf_imsg(pc, imsg);
		return;
	case IMSG_RESOLVE_ANSWER:
		parent_resolve_imsg(pc, imsg);
		return;
	case IMSG_CTL_RELOAD:
		if (pc->peer != PROC_CONTROL)
			break;
		if (imsg->datalen != 0)
			fatalx("IMSG_CTL_RELOAD: bad length");
		parent_reload(parent_reload_answer,
		    (void *)(uintptr_t)imsg->hdr.peerid);
		return;
	default:
		break;
	}
	if (par.ops->dispatch[pc->peer] != NULL)
		par.ops->dispatch[pc->peer](pc, imsg);
	else
		proc_unexpected(pc, imsg);
}

/*
 * A child exited: the daemon stops with it.  A clean exit means someone
 * stopped it on purpose (a SIGTERM to the whole process group, say);
 * anything else is a failure, logged with its reason.
 */
static void __attribute__((__noreturn__))
parent_child_gone(enum eg_proc p, int status)
{
	char	buf[128], line[256];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_info("%s process stopped", proc_names[p]);
		parent_shutdown(0);
	}
	/* With the marker of fatal() (log.c): the daemon dies with it. */
	snprintf(line, sizeof(line), "fatal in %s: %s process %s",
	    log_procname(), proc_names[p], parent_status_str(status, buf,
	    sizeof(buf)));
	log_raw(LOG_CRIT, line);
	parent_shutdown(1);
}

/* A child closed its channel: it is dying; find out why and stop. */
static void
parent_chan_closed(struct proc_chan *pc)
{
	char	line[128];
	int	status;

	if (par.stopping)
		return;
	if (par.pids[pc->peer] > 0 &&
	    parent_wait_child(par.pids[pc->peer], 1000, &status) == 0) {
		par.pids[pc->peer] = 0;
		parent_child_gone(pc->peer, status);
	}
	snprintf(line, sizeof(line), "fatal in %s: %s process closed its "
	    "channel", log_procname(), proc_names[pc->peer]);
	log_raw(LOG_CRIT, line);
	parent_shutdown(1);
}

static void
parent_sig(int sig, short event, void *arg)
{
	enum eg_proc	 p;
	int		 status;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("received signal %d, stopping", sig);
		parent_shutdown(0);
		/* NOTREACHED */
	case SIGHUP:
		/* parent_reconf() logs how it ends. */
		log_info("SIGHUP");
		parent_reload(NULL, NULL);
		break;
	case SIGCHLD:
		if (par.stopping)
			break;
		if ((p = parent_reap(par.pids, &status, par.ops->reaped)) !=
		    PROC_MAX)
			parent_child_gone(p, status);
		break;
	default:
		break;
	}
}

void
parent_shutdown(int failed)
{
	int	p;

	par.stopping = 1;
	for (p = PROC_ENGINE; p < PROC_MAX; p++)
		proc_chan_close(&par.chans[p]);
	parent_stop_children(par.pids, 1500);
	if (par.sockpath != NULL)
		unlink(par.sockpath);
	if (par.conf != NULL)
		par.ops->free(par.conf);
	log_info("%s", failed ? "stopped after a failure" : "stopped");
	exit(failed ? 1 : 0);
}

/* The first config is in every child, or one of them refused it. */
static void
parent_started(int status, const char *msg, void *arg)
{
	char	desc[256];

	if (status != 0) {
		log_warnx("cannot start: %s", msg);
		parent_shutdown(1);
	}
	par.ops->describe(par.conf, desc, sizeof(desc));
	log_info("started: %s, config %s", desc, par.conffile);
}

/* A child sent what it may not: the framework logged it. */
static void
parent_refused(void)
{
	parent_shutdown(1);
}

void
parent_main(const struct parent_ops *ops, const char *conffile,
    const char *sockpath, int noaction)
{
	struct conf_diags	 diags;
	char			 why[1024];
	int			 fds[PROC_MAX], p;

	par.ops = ops;
	par.conffile = conffile = parent_abspath(conffile);
	par.noaction = noaction;
	proc_daemon.self = PROC_PARENT;
	proc_daemon.refused = parent_refused;
	par.conf = parent_load(&diags);
	conf_diags_print(stderr, &diags);
	if (par.conf == NULL) {
		fprintf(stderr, "%s: %zu error%s\n", conffile, diags.nerrors,
		    diags.nerrors == 1 ? "" : "s");
		exit(1);
	}
	conf_diags_free(&diags);
	if (parent_runnable(par.conf, why, sizeof(why)) == -1) {
		fprintf(stderr, "%s: %s\n", proc_daemon.name, why);
		exit(1);
	}
	if (noaction) {
		if (ops->print(stdout, par.conf) == -1 ||
		    fflush(stdout) == EOF) {
			perror("stdout");
			exit(1);
		}
		exit(0);
	}

	if (geteuid() != 0) {
		fprintf(stderr, "%s: need root privileges\n", proc_daemon.name);
		exit(1);
	}

	log_init(proc_daemon.debug, LOG_DAEMON);
	log_procinit(proc_names[PROC_PARENT]);
	log_setcats(conf_log_categories(ops->loglevel(par.conf)));
	if (ops->setup != NULL && ops->setup(par.conf) == -1) {
		log_warnx("cannot start");
		exit(1);
	}
	/*
	 * The parent stays in the directory it was started in, so that a
	 * relative EdgeTemplate, PostScript or path in a config means what
	 * it meant at the start; the children chdir to / in the sandbox.
	 */
	if (!proc_daemon.debug && daemon(1, 0) == -1)
		fatal("daemon");

	par.ctlfd = parent_control_socket(sockpath);
	par.sockpath = sockpath;
	proc_start_children(par.pids, fds);
	setproctitle("%s", proc_names[PROC_PARENT]);

	event_init();
	signal_set(&par.ev_sigterm, SIGTERM, parent_sig, NULL);
	signal_set(&par.ev_sigint, SIGINT, parent_sig, NULL);
	signal_set(&par.ev_sighup, SIGHUP, parent_sig, NULL);
	signal_set(&par.ev_sigchld, SIGCHLD, parent_sig, NULL);
	signal_set(&par.ev_sigpipe, SIGPIPE, parent_sig, NULL);
	signal_add(&par.ev_sigterm, NULL);
	signal_add(&par.ev_sigint, NULL);
	signal_add(&par.ev_sighup, NULL);
	signal_add(&par.ev_sigchld, NULL);
	signal_add(&par.ev_sigpipe, NULL);

	for (p = PROC_ENGINE; p < PROC_MAX; p++)
		proc_chan_init(&par.chans[p], fds[p], p, parent_dispatch,
		    parent_chan_closed);
	parent_resolve_init(&par.chans[PROC_RESOLVER]);

	/* The same transaction as a reload; the parent keeps this one. */
	parent_reconf(par.conf, 1, NULL, parent_started, NULL);
	event_dispatch();
	parent_shutdown(1);
}

int
parent_control_socket(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old_umask;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		fatalx("control socket path too long: %s", path);

	/* A socket that answers belongs to a running daemon. */
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		fatalx("control socket %s is in use: is the daemon already "
		    "running?", path);
	close(probe);
	if (unlink(path) == -1 && errno != ENOENT)
		fatal("unlink %s", path);

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("socket");
	old_umask = umask(S_IXUSR | S_IXGRP | S_IWOTH | S_IROTH | S_IXOTH);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s", path);
	umask(old_umask);
	if (chmod(path, S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP) == -1) {
		unlink(path);
		fatal("chmod %s", path);
	}
	if (listen(fd, 16) == -1)
		fatal("listen %s", path);
	return fd;
}

const char *
parent_status_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)%s",
		    WTERMSIG(status), strsignal(WTERMSIG(status)),
		    WTERMSIG(status) == SIGSYS ? ": sandbox violation" : "");
	else
		snprintf(buf, len, "stopped (status 0x%x)", status);
	return buf;
}

enum eg_proc
parent_reap(pid_t pids[PROC_MAX], int *statusp, void (*reaped)(pid_t, int))
{
	pid_t	pid;
	int	status, p;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid <= 0)
			return PROC_MAX;
		for (p = PROC_ENGINE; p < PROC_MAX; p++) {
			if (pids[p] == pid) {
				pids[p] = 0;
				*statusp = status;
				return p;
			}
		}
		if (reaped != NULL)
			reaped(pid, status);
	}
}

int
parent_wait_child(pid_t pid, int ms, int *statusp)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	pid_t		r;
	int		waited;

	for (waited = 0; waited <= ms; waited += 10) {
		r = waitpid(pid, statusp, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		nanosleep(&ts, NULL);
	}
	return -1;
}

void
parent_stop_children(pid_t pids[PROC_MAX], int ms)
{
	int	p, status, waited;
	struct timespec	ts = { 0, 10 * 1000 * 1000 };

	for (p = PROC_ENGINE; p < PROC_MAX; p++)
		if (pids[p] > 0)
			kill(pids[p], SIGTERM);
	for (waited = 0; waited <= ms; waited += 10) {
		int alive = 0;

		for (p = PROC_ENGINE; p < PROC_MAX; p++) {
			if (pids[p] <= 0)
				continue;
			if (waitpid(pids[p], &status, WNOHANG) == pids[p])
				pids[p] = 0;
			else
				alive = 1;
		}
		if (!alive)
			return;
		nanosleep(&ts, NULL);
	}
	for (p = PROC_ENGINE; p < PROC_MAX; p++) {
		if (pids[p] <= 0)
			continue;
		log_warnx("%s did not stop, killing it", proc_names[p]);
		kill(pids[p], SIGKILL);
		waitpid(pids[p], &status, 0);
		pids[p] = 0;
	}
}

extern char	**environ;

static const struct daemon_desc	*daemon_self;

void
daemon_run(int argc, char *argv[], const struct daemon_desc *d)
{
	struct proc_args	args;
	enum eg_proc		role;

	daemon_self = d;
	setproctitle_init(argc, argv, environ);
	log_init(1, LOG_DAEMON);
	memset(&args, 0, sizeof(args));
	args.conffile = d->conffile;
	args.sockpath = d->sockpath;
	proc_daemon.name = d->name;
	proc_daemon.user = d->user;
	proc_daemon.chroot = EG_CHROOT_DIR;
	proc_daemon.acl = d->imsgacl;
	proc_getopt(argc, argv, &args);
	if (args.role != NULL) {
		role = proc_role_byname(args.role);
		d->child_main[role]();
		exit(0);
	}
	parent_main(d->ops, args.conffile, args.sockpath, args.noaction);
}

void *
daemon_conf_parse(const char *yaml, size_t len, int flags, char *why,
    size_t whylen)
{
	struct conf_diags	 diags;
	void			*conf;

	memset(&diags, 0, sizeof(diags));
	conf = daemon_self->parse("(from parent)", yaml, len, &diags, flags);
	if (conf == NULL)
		snprintf(why, whylen, "%s", diags.count > 0 ?
		    diags.items[0].msg : "does not parse");
	conf_diags_free(&diags);
	return conf;
}

void
daemon_conf_free(void *conf)
{
	daemon_self->ops->free(conf);
}

const struct conf_loglevel *
daemon_conf_loglevel(const void *conf)
{
	return daemon_self->ops->loglevel(conf);
}
