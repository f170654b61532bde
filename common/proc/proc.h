/*
 * The process framework both daemons share: five processes (parent,
 * engine, route engine, control, resolver), children started by
 * fork+exec of the daemon's own binary with a role flag, imsg channels
 * between them, one dispatch loop for all channels, and the config
 * pushed from the parent as YAML chunks that every child but the
 * resolver stages, then commits when the parent says all could
 * (parent_reconf.c).
 *
 * Channel graph (each line one socketpair):
 *
 *	parent --- engine	config, descriptors, names resolved
 *	parent --- route	config
 *	parent --- control	config, control socket, reload requests
 *	parent --- resolver	names to resolve and the answers
 *	engine --- route	latency samples, next-hop tables
 *	engine --- control	peer state for egctl
 *	route  --- control	routing state for egctl
 *
 * The resolver talks to the parent only: it has no channel to any other
 * child (proc_linked()).  A child finds its channel to peer on
 * descriptor proc_chan_fd(self, peer): 3 and up, the other processes in
 * enum order, itself left out; a slot without a channel stays closed.
 */
#ifndef EG_PROC_H
#define EG_PROC_H

#include <sys/types.h>

#include <event.h>

#include "imsg.h"

enum eg_proc {
	PROC_PARENT,
	PROC_ENGINE,
	PROC_ROUTE,
	PROC_CONTROL,
	PROC_RESOLVER,		/* getaddrinfo for the parent */
	PROC_MAX
};

#define PROC_CHAN_FD_BASE	3
#define EG_CHROOT_DIR		"/var/empty"	/* the children's root */

struct proc_chan;
struct coalesce;
typedef void	(*proc_dispatch_cb)(struct proc_chan *, struct imsg *);
/*
 * Whether a message is a sample, and of what (a link): 1 and *key, or
 * 0 for any other message.
 */
typedef int	(*proc_sample_cb)(uint32_t type, const void *, size_t,
		    uint64_t *key);
typedef void	(*proc_closed_cb)(struct proc_chan *);

struct proc_chan {
	struct imsgbuf		 ibuf;
	struct event		 ev;
	short			 events;
	enum eg_proc		 peer;
	int			 active;
	proc_dispatch_cb	 dispatch;
	proc_closed_cb		 closed;	/* EOF, error, bad frame */
	proc_sample_cb		 sample;	/* NULL: no samples */
	struct coalesce		*held;		/* samples over the mark */
};

/*
 * High-water mark of a channel's queue.  Above it, a sample (by the
 * channel's proc_sample_cb) is held, the newest per key, at most
 * PROC_HELD_MAX keys (coalesce.h), and sent as the queue drains below
 * it; every other message is queued up to IMSG_QUEUE_MAX, and beyond
 * that the peer has stopped reading for good: the sender stops the
 * daemon (fatal), as for any broken channel.
 */
#define PROC_HIWAT		(1024 * 1024)
#define PROC_HELD_MAX		65536

struct proc_chan_stats {
	uint64_t	 replaced;	/* sample replaced by a newer one */
	uint64_t	 full;		/* sample dropped: PROC_HELD_MAX keys */
	uint64_t	 held;		/* samples held over the mark */
};

struct imsgacl;

/* Set by the daemon before anything else: "egd" or "eg-supd". */
struct proc_daemon {
	const char	*name;
	const char	*user;		/* unprivileged user of the children */
	const char	*chroot;	/* empty directory */
	int		 debug;
	int		 verbose;
	enum eg_proc	 self;		/* the process we are */
	/* Who may send what to whom besides the framework (imsgacl.h). */
	const struct imsgacl *acl;
	/* The parent's way to stop the daemon when it refuses a message. */
	void		(*refused)(void);
	/*
	 * A child: all descriptors came and the sandbox narrowed
	 * (IMSG_FDS_DONE).  Input from the network waits for this, so
	 * that no packet is handled under the wider setup filter.
	 */
	void		(*fds_done)(void);
	int		 fds_are_done;
};

extern struct proc_daemon	 proc_daemon;
extern const char		*proc_names[PROC_MAX];

/* The command line both daemons take. */
struct proc_args {
	const char	*conffile;
	const char	*sockpath;
	const char	*role;		/* -P: started as a child */
	int		 noaction;	/* -n */
};

/* Parses argv into args and proc_daemon; usage and exit on errors. */
void		 proc_getopt(int argc, char *argv[], struct proc_args *);
enum eg_proc	 proc_role_byname(const char *);
int		 proc_chan_fd(enum eg_proc self, enum eg_proc peer);
/* Whether a and b have a channel: every pair but the resolver's. */
int		 proc_linked(enum eg_proc a, enum eg_proc b);
/* Whether child p takes part in config changes (not the resolver). */
int		 proc_takes_conf(enum eg_proc p);

void	proc_chan_init(struct proc_chan *, int fd, enum eg_proc peer,
	    proc_dispatch_cb, proc_closed_cb);
void	proc_chan_close(struct proc_chan *);
int	proc_compose(struct proc_chan *, uint32_t type, uint32_t peerid,
	    pid_t pid, int fd, const void *, size_t);
int	proc_compose_iov(struct proc_chan *, uint32_t type, uint32_t peerid,
	    pid_t pid, int fd, const struct iovec *, int);
void	proc_chan_rearm(struct proc_chan *);
/* Marks which messages on this channel are samples (see PROC_HIWAT). */
void	proc_chan_samples(struct proc_chan *, proc_sample_cb);
void	proc_chan_stats(const struct proc_chan *, struct proc_chan_stats *);

/*
 * Parent: start the children, each with its channels; returns their
 * pids and the parent's ends of the channels (indexed by process).
 */
void	proc_start_children(pid_t pids[PROC_MAX], int parent_fds[PROC_MAX]);
/* Child: the descriptors it inherited, indexed by peer process. */
void	proc_child_fds(enum eg_proc self, int fds[PROC_MAX]);

/*
 * Child start, the same in every child of both daemons: find the
 * channels, set up the event loop and signals, enter the sandbox with
 * the given policy, then open the channels with dispatch[peer] as the
 * handler of each.  SIGTERM ends the loop; the parent's channel closing
 * ends the process.
 */
void	proc_child_start(enum eg_proc self, int policy,
	    struct proc_chan chans[PROC_MAX],
	    const proc_dispatch_cb dispatch[PROC_MAX]);
/*
 * A message from a process that has no business sending it.  The
 * framework refuses those that imsgacl.h does not allow before any
 * handler runs; this is for what a handler does not expect in its state.
 */
void	proc_unexpected(struct proc_chan *, struct imsg *);

/*
 * Test hook: EG_TEST_IMSG=sender:receiver:type (type a name from the
 * message tables, or a number) makes the child named first send an
 * empty message of that type to the process named second, as soon as
 * its channels are up, so that regress can check that the receiver
 * refuses it and the daemon stops; sender:receiver:type:fd attaches a
 * descriptor (a copy of stderr), sender:receiver:type:x=HEX sends those
 * bytes.  Several, separated by spaces, go in order;
 * EG_TEST_IMSG_DELAY_MS delays them.
 */
void	proc_test_imsg(struct proc_chan chans[PROC_MAX]);

/*
 * Push a config to a child: YAML text in chunks, then IMSG_RECONF_DONE,
 * all numbered gen.
 */
int	proc_send_conf(struct proc_chan *, uint32_t gen, const char *yaml,
	    size_t len);

/* Child side staging of a pushed config. */
struct reconf_stage {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};
int	reconf_stage_add(struct reconf_stage *, const void *, size_t);
/* Stages an IMSG_RECONF_CONF; 1 when an IMSG_RECONF_DONE completes it. */
int	reconf_stage_imsg(struct reconf_stage *, struct imsg *);
/* Takes the staged text (NUL-terminated); the stage is empty afterwards. */
char	*reconf_stage_take(struct reconf_stage *, size_t *lenp);

/*
 * A child's side of a config change (bgpd's reconfigure()): the chunks
 * are parsed and checked on IMSG_RECONF_DONE and the parent told whether
 * this process can apply them (IMSG_RECONF_STAGED); the config becomes
 * the running one on IMSG_RECONF_COMMIT only (IMSG_RECONF_COMMITTED
 * says so), and is dropped on IMSG_RECONF_ABORT.  The first config
 * comes the same way.
 */
struct reconf_child {
	enum eg_proc	 self;
	int		 flags;		/* conf_parse flags */
	/*
	 * What this process could fail to apply, against its running
	 * state (none before the first commit): 0, or -1 and a one-line
	 * reason in why.  NULL: nothing can fail.
	 */
	int		(*check)(const void *next, char *why, size_t);
	/* next becomes the running config (the callee's); cannot fail. */
	void		(*commit)(void *next);

	struct reconf_stage	 stage;
	void		*staged;	/* checked, waiting for the commit */
	uint32_t	 gen;
	unsigned int	 ncommits;
};
/* 1 if imsg (from the parent) was an IMSG_RECONF_*, now handled. */
int	reconf_child_dispatch(struct reconf_child *, struct proc_chan *,
	    struct imsg *);

/* Children that are not in the foreground send their logs to the parent. */
void	proc_log_to_parent(struct proc_chan *);
/* Parent: log a child's IMSG_LOG message. */
void	proc_log_from_child(struct imsg *);

#endif /* EG_PROC_H */
