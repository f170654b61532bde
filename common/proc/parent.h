/*
 * The parent process both daemons share.  It keeps root: reads the
 * config, starts the children (proc.h), gives them the config as
 * one transaction (parent_reconf()), serves reloads (SIGHUP, egctl
 * reload) the same way, and takes the whole daemon down
 * when any process dies or on SIGTERM.  What differs between egd and
 * eg-supd comes in through struct parent_ops.
 */
#ifndef EG_PARENT_H
#define EG_PARENT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdio.h>

#include "config/config.h"
#include "proc.h"

struct parent_ops {
	/* Config handling for this daemon's kind of config. */
	/* flags: CONF_LOAD_TRUSTED but for a check (-n) */
	void	*(*load)(const char *path, struct conf_diags *, int flags);
	char	*(*dump)(const void *conf, int printflags, size_t *lenp);
	int	 (*print)(FILE *, const void *conf);
	void	 (*free)(void *conf);
	const struct conf_loglevel *(*loglevel)(const void *conf);
	/* Describes the node for the start message. */
	void	 (*describe)(const void *conf, char *buf, size_t len);
	/*
	 * The first key that changed and that a reload cannot apply, as
	 * its path in the file: 1 and the path in out, else 0.
	 */
	int	 (*restart_key)(const void *cur, const void *next, char *out,
		    size_t outlen);
	/*
	 * What the parent itself must do for a new config and could fail
	 * at (resolve a name, derive a key), checked before the children
	 * see it: 0, or -1 and a one-line reason, or 1 when it asked the
	 * resolver and will call parent_reconf_prepared().  May be NULL.
	 */
	int	 (*prepare)(const void *cur, const void *next, char *why,
		    size_t len);
	/*
	 * What the daemon refuses to run although the file parses (a
	 * feature this build lacks, a value its setup cannot use): 0, or
	 * -1 and a one-line reason.  -n, the start and each reload ask
	 * it, so that -n passing means the daemon starts.  May be NULL.
	 */
	int	 (*runnable)(const void *conf, char *why, size_t len);
	/* conf_print flags of the config each child gets. */
	int	 printflags[PROC_MAX];
	/* Before daemonizing: open what needs root (errors: exit 1). */
	int	 (*setup)(void *conf);
	/* After the children took their first config: pass descriptors. */
	void	 (*started)(void *conf, struct proc_chan chans[PROC_MAX]);
	/*
	 * After a reload was committed (the children run conf), before old
	 * is freed: what the parent sends for the new config.
	 */
	void	 (*reloaded)(void *conf, const void *old,
		    struct proc_chan chans[PROC_MAX]);
	/* A process of the daemon's own (not a child role) exited. */
	void	 (*reaped)(pid_t, int status);
	/* Daemon-specific messages from each child (may be NULL). */
	proc_dispatch_cb dispatch[PROC_MAX];
};

/* What main() of a daemon says about itself. */
struct daemon_desc {
	const char		*name;		/* "egd" */
	const char		*user;		/* of the children */
	const char		*conffile;	/* defaults */
	const char		*sockpath;
	void			 (*child_main[PROC_MAX])(void);
	const struct parent_ops	*ops;
	/* Who may send the daemon's own messages to whom (imsgacl.h). */
	const struct imsgacl	*imsgacl;
	/* parses a config pushed by the parent (conf_parse_*) */
	void			*(*parse)(const char *name, const char *buf,
				    size_t len, struct conf_diags *, int flags);
};

/* main() of a daemon: arguments, then the role asked for. */
void	daemon_run(int argc, char *argv[], const struct daemon_desc *)
	    __attribute__((__noreturn__));
/*
 * In a child: a config the parent pushed, parsed by the daemon's parser,
 * or NULL and the first error in why.
 */
void	*daemon_conf_parse(const char *yaml, size_t len, int flags,
	    char *why, size_t whylen);
void	 daemon_conf_free(void *);
const struct conf_loglevel *daemon_conf_loglevel(const void *);

/* Runs the daemon; never returns.  noaction: print the config (-n). */
void	parent_main(const struct parent_ops *, const char *conffile,
	    const char *sockpath, int noaction) __attribute__((__noreturn__));
/* The running config, for the hooks. */
void	*parent_conf(void);
struct proc_chan *parent_chan(enum eg_proc);

/*
 * A config change, all or nothing (parent_reconf.c), taking conf: refused
 * if another is in flight or if it changes a restart key; otherwise
 * prepared by the parent, pushed to every child, which stages it and
 * says whether it can apply it; when all can, precommit (may be NULL)
 * may still refuse it, then every child commits and the parent swaps
 * its own.  done is called once, with 0 and "config reloaded", or -1
 * and why nothing changed; the running config stays in every process
 * unless all committed.  initial: the first config, at start (no
 * restart keys; the started hook instead of reloaded).
 */
typedef int	(*reconf_precommit_cb)(void *conf, void *arg, char *why,
		    size_t len);
typedef void	(*reconf_done_cb)(int status, const char *msg, void *arg);
void	parent_reconf(void *conf, int initial, reconf_precommit_cb,
	    reconf_done_cb, void *arg);
/*
 * A prepare hook that returned 1 is done: 0 goes on with the change, -1
 * refuses it with why.
 */
void	parent_reconf_prepared(int status, const char *why);
/* Whether a change is in flight (parent_reconf() would refuse one). */
int	parent_reconf_busy(void);
/* Parent: IMSG_RECONF_STAGED and IMSG_RECONF_COMMITTED from a child. */
void	parent_reconf_imsg(struct proc_chan *, struct imsg *);
/* parent.c for parent_reconf.c: the change is committed, conf runs. */
void	parent_conf_committed(void *conf, int initial);
const struct parent_ops *parent_ops(void);
/* Stop everything and exit (failed: exit status 1). */
void	parent_shutdown(int failed) __attribute__((__noreturn__));

/* Create, chmod 0660 and listen on a unix socket; fatal on failure. */
int	parent_control_socket(const char *path);
/* Describe a wait(2) status for the log. */
const char *parent_status_str(int status, char *buf, size_t len);
/*
 * Reap children that exited: the role of the first child process found,
 * or PROC_MAX; its status in *statusp.  Other processes go to reaped.
 */
enum eg_proc parent_reap(pid_t pids[PROC_MAX], int *statusp,
	    void (*reaped)(pid_t, int));
/* Wait up to ms for a child to exit; -1 if it did not. */
int	parent_wait_child(pid_t pid, int ms, int *statusp);
/* SIGTERM every live child, then SIGKILL what is left after ms. */
void	parent_stop_children(pid_t pids[PROC_MAX], int ms);

/*
 * parent_caps.c: after start, every capability but CAP_KILL (to stop
 * the children) goes.
 */
void	parent_drop_caps(void);

#endif /* EG_PARENT_H */
