/*
 * A config change as one transaction, bgpd's model: the parent checks
 * what it can (parse, restart keys, its own part), pushes the config to
 * every child, and waits until each has staged it or refused it with a
 * reason; then it commits everywhere or aborts everywhere.  Only one
 * change is in flight at a time.  The child's side is reconf_child.c.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ctl.h"
#include "parent.h"
#include "proc_imsg.h"
#include "util/log.h"

#define CHILD(p)	(1U << (p))
#define ALL_CHILDREN	(CHILD(PROC_ENGINE) | CHILD(PROC_ROUTE) | \
			    CHILD(PROC_CONTROL))
#define NOT_RELOADED	"config not reloaded (the running one stays)"

static void	reconf_push(void);

static struct {
	int			 active;
	int			 initial;
	int			 committing;
	int			 preparing;	/* prepare still asking */
	uint32_t		 gen;
	void			*conf;
	unsigned int		 answered;	/* CHILD() bits */
	unsigned int		 refused;
	unsigned int		 committed;
	char			 why[PROC_MAX][RECONF_WHY_LEN];
	reconf_precommit_cb	 precommit;
	reconf_done_cb		 done;
	void			*arg;
} tx;

/* The change is over, one way or the other: say so, once. */
static void
reconf_finish(int status, const char *msg)
{
	reconf_done_cb	 done = tx.done;
	void		*arg = tx.arg;

	tx.active = 0;
	tx.conf = NULL;
	/* The first config: the caller says whether the daemon started. */
	if (tx.initial)
		;
	else if (status == 0)
		log_info("%s", msg);
	else
		log_warnx("reload: %s", msg);
	if (done != NULL)
		done(status, msg, arg);
}

static void
reconf_send_all(uint32_t type)
{
	int	p;

	for (p = PROC_ENGINE; p < PROC_MAX; p++)
		if (proc_takes_conf(p) && proc_compose(parent_chan(p), type, tx.gen, 0, -1, NULL,
		    0) == -1)
			fatal("config change to %s", proc_names[p]);
}

static void
reconf_abort(const char *why)
{
	char	msg[CTL_MSG_LEN];

	reconf_send_all(IMSG_RECONF_ABORT);
	if (tx.initial)
		snprintf(msg, sizeof(msg), "%s", why);
	else {
		snprintf(msg, sizeof(msg), "%s; %s", why, NOT_RELOADED);
		parent_ops()->free(tx.conf);
	}
	reconf_finish(-1, msg);
}

int
parent_reconf_busy(void)
{
	return tx.active;
}

void
parent_reconf(void *conf, int initial, reconf_precommit_cb precommit,
    reconf_done_cb done, void *arg)
{
	const struct parent_ops	*ops = parent_ops();
	char			 why[RECONF_WHY_LEN], msg[CTL_MSG_LEN];
	uint32_t		 gen;

	if (tx.active) {
		ops->free(conf);
		if (done != NULL)
			done(-1, "reload in progress: " NOT_RELOADED, arg);
		log_warnx("reload: another one is in progress");
		return;
	}
	gen = tx.gen + 1;
	memset(&tx, 0, sizeof(tx));
	tx.gen = gen;
	tx.active = 1;
	tx.initial = initial;
	tx.conf = conf;
	tx.precommit = precommit;
	tx.done = done;
	tx.arg = arg;
	if (!initial && ops->restart_key(parent_conf(), conf, why,
	    sizeof(why))) {
		snprintf(msg, sizeof(msg), "%s changed: restart %s to apply "
		    "it; %s", why, proc_daemon.name, NOT_RELOADED);
		ops->free(conf);
		reconf_finish(-1, msg);
		return;
	}
	if (!initial && ops->prepare != NULL) {
		tx.preparing = 1;
		switch (ops->prepare(parent_conf(), conf, why, sizeof(why))) {
		case 0:
			break;
		case 1:
			/* It asked the resolver: parent_reconf_prepared(). */
			return;
		default:
			parent_reconf_prepared(-1, why);
			return;
		}
		tx.preparing = 0;
	}
	reconf_push();
}

void
parent_reconf_prepared(int status, const char *why)
{
	char	msg[CTL_MSG_LEN];

	if (!tx.active || !tx.preparing)
		fatalx("%s: no config change is being prepared", __func__);
	tx.preparing = 0;
	if (status == 0) {
		reconf_push();
		return;
	}
	snprintf(msg, sizeof(msg), "%s; %s", why, NOT_RELOADED);
	parent_ops()->free(tx.conf);
	reconf_finish(-1, msg);
}

/* Push the change to every child that takes configs. */
static void
reconf_push(void)
{
	const struct parent_ops	*ops = parent_ops();
	char			*yaml;
	size_t			 len;
	int			 p;

	for (p = PROC_ENGINE; p < PROC_MAX; p++) {
		if (!proc_takes_conf(p))
			continue;
		if ((yaml = ops->dump(tx.conf, ops->printflags[p], &len)) ==
		    NULL)
			fatal("config for %s", proc_names[p]);
		if (proc_send_conf(parent_chan(p), tx.gen, yaml, len) == -1)
			fatal("config to %s", proc_names[p]);
		sodium_memzero(yaml, len);
		free(yaml);
	}
}

/* Every child answered the push: commit or abort. */
static void
reconf_staged_all(void)
{
	char	why[RECONF_WHY_LEN + 32];
	int	p;

	for (p = PROC_ENGINE; p < PROC_MAX; p++)
		if (tx.refused & CHILD(p)) {
			snprintf(why, sizeof(why), "%s refused it: %s",
			    proc_names[p], tx.why[p]);
			reconf_abort(why);
			return;
		}
	if (tx.precommit != NULL && tx.precommit(tx.conf, tx.arg, why,
	    sizeof(why)) == -1) {
		reconf_abort(why);
		return;
	}
	/* The point of no return: what the parent sends now comes after. */
	tx.committing = 1;
	reconf_send_all(IMSG_RECONF_COMMIT);
	parent_conf_committed(tx.conf, tx.initial);
}

static void
reconf_check_gen(struct proc_chan *pc, struct imsg *imsg, unsigned int done)
{
	if (!tx.active || imsg->hdr.peerid != tx.gen || (done &
	    CHILD(pc->peer)) || pc->peer == PROC_PARENT)
		fatalx("config change %u: unexpected message %u from %s",
		    imsg->hdr.peerid, imsg->hdr.type, proc_names[pc->peer]);
}

void
parent_reconf_imsg(struct proc_chan *pc, struct imsg *imsg)
{
	struct reconf_ack	ack;

	switch (imsg->hdr.type) {
	case IMSG_RECONF_STAGED:
		reconf_check_gen(pc, imsg, tx.answered);
		if (tx.committing || imsg->datalen != sizeof(ack))
			fatalx("IMSG_RECONF_STAGED from %s: bad message",
			    proc_names[pc->peer]);
		memcpy(&ack, imsg->data, sizeof(ack));
		ack.why[sizeof(ack.why) - 1] = '\0';
		tx.answered |= CHILD(pc->peer);
		if (!ack.ok) {
			tx.refused |= CHILD(pc->peer);
			strlcpy(tx.why[pc->peer], ack.why[0] != '\0' ?
			    ack.why : "no reason given",
			    sizeof(tx.why[pc->peer]));
		}
		if (tx.answered == ALL_CHILDREN)
			reconf_staged_all();
		break;
	case IMSG_RECONF_COMMITTED:
		reconf_check_gen(pc, imsg, tx.committed);
		if (!tx.committing || imsg->datalen != 0)
			fatalx("IMSG_RECONF_COMMITTED from %s: bad message",
			    proc_names[pc->peer]);
		tx.committed |= CHILD(pc->peer);
		if (tx.committed == ALL_CHILDREN)
			reconf_finish(0, "config reloaded");
		break;
	default:
		fatalx("%s: message %u", __func__, imsg->hdr.type);
	}
}
