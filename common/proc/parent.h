/*
 * The parent process both daemons share.  It keeps root: reads the
 * config, starts the three children (proc.h), pushes the config to them,
 * serves reloads (SIGHUP, egctl reload), and takes the whole daemon down
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
	void	*(*load)(const char *path, struct conf_diags *);
	char	*(*dump)(const void *conf, int printflags, size_t *lenp);
	int	 (*print)(FILE *, const void *conf);
	void	 (*free)(void *conf);
	const struct conf_loglevel *(*loglevel)(const void *conf);
	/* Describes the node for the start message. */
	void	 (*describe)(const void *conf, char *buf, size_t len);
	/* First key that a reload cannot apply, or NULL. */
	const char *(*restart_key)(const void *cur, const void *next);
	/* conf_print flags of the config each child gets. */
	int	 printflags[PROC_MAX];
	/* Before daemonizing: open what needs root (errors: exit 1). */
	int	 (*setup)(void *conf);
	/* After the children got their first config: pass descriptors. */
	void	 (*started)(void *conf, struct proc_chan chans[PROC_MAX]);
	/* After a reload was pushed. */
	void	 (*reloaded)(void *conf, struct proc_chan chans[PROC_MAX]);
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
 * In a child: the config the parent pushed, parsed by the daemon's
 * parser; fatal if it does not parse (the parent checked it).
 */
void	*daemon_conf_take(struct reconf_stage *, int flags);

/* Runs the daemon; never returns.  noaction: print the config (-n). */
void	parent_main(const struct parent_ops *, const char *conffile,
	    const char *sockpath, int noaction) __attribute__((__noreturn__));
/* The running config, for the hooks. */
void	*parent_conf(void);
/*
 * Make conf (checked as a reload checks it) the running config: push it
 * to the children, free the old one, run the reloaded hook.
 */
void	 parent_apply_conf(void *conf);
struct proc_chan *parent_chan(enum eg_proc);
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

#endif /* EG_PARENT_H */
