/*
 * A child's side of a config change: stage, check, answer; commit or
 * drop when the parent says.  See proc.h (struct reconf_child) and
 * parent_reconf.c for the parent's side.
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "parent.h"
#include "proc.h"
#include "proc_imsg.h"
#include "util/log.h"

/*
 * EG_TEST_RECONF_REFUSE=role: that child refuses every config but the
 * first, so that regress can see a reload fail in one process while the
 * others staged it (regress/net/static_reload.t).
 */
static int
reconf_test_refuse(struct reconf_child *rc, char *why, size_t len)
{
	const char	*who = getenv("EG_TEST_RECONF_REFUSE");

	if (who == NULL || rc->ncommits == 0 ||
	    strcmp(who, proc_names[rc->self]) != 0)
		return 0;
	snprintf(why, len, "EG_TEST_RECONF_REFUSE: refused on purpose");
	return -1;
}

static void
reconf_answer(struct proc_chan *pc, uint32_t gen, int ok, const char *why)
{
	struct reconf_ack	ack;

	memset(&ack, 0, sizeof(ack));
	ack.ok = ok;
	if (!ok)
		strlcpy(ack.why, why, sizeof(ack.why));
	if (proc_compose(pc, IMSG_RECONF_STAGED, gen, 0, -1, &ack,
	    sizeof(ack)) == -1)
		fatal("answer to the parent");
}

/* The chunks are all here: parse, check, answer. */
static void
reconf_stage_done(struct reconf_child *rc, struct proc_chan *pc, uint32_t gen)
{
	char	 why[RECONF_WHY_LEN], *yaml;
	size_t	 len;
	void	*conf;

	if (rc->staged != NULL)
		fatalx("a second config staged before the first was done");
	if ((yaml = reconf_stage_take(&rc->stage, &len)) == NULL)
		fatal("config");
	why[0] = '\0';
	conf = daemon_conf_parse(yaml, len, rc->flags, why, sizeof(why));
	sodium_memzero(yaml, len);
	free(yaml);
	if (conf != NULL && (reconf_test_refuse(rc, why, sizeof(why)) == -1 ||
	    (rc->check != NULL && rc->check(conf, why, sizeof(why)) == -1))) {
		daemon_conf_free(conf);
		conf = NULL;
	}
	if (conf == NULL) {
		log_warnx("config refused: %s", why);
		reconf_answer(pc, gen, 0, why);
		return;
	}
	rc->staged = conf;
	rc->gen = gen;
	reconf_answer(pc, gen, 1, NULL);
}

int
reconf_child_dispatch(struct reconf_child *rc, struct proc_chan *pc,
    struct imsg *imsg)
{
	uint32_t	gen = imsg->hdr.peerid;
	void		*conf;

	switch (imsg->hdr.type) {
	case IMSG_RECONF_CONF:
		if (reconf_stage_add(&rc->stage, imsg->data, imsg->datalen) ==
		    -1)
			fatal("config from the parent");
		return 1;
	case IMSG_RECONF_DONE:
		reconf_stage_done(rc, pc, gen);
		return 1;
	case IMSG_RECONF_COMMIT:
		if (rc->staged == NULL || gen != rc->gen)
			fatalx("IMSG_RECONF_COMMIT %u: config %u is staged",
			    gen, rc->staged != NULL ? rc->gen : 0);
		conf = rc->staged;
		rc->staged = NULL;
		log_setcats(conf_log_categories(daemon_conf_loglevel(conf)));
		rc->commit(conf);
		rc->ncommits++;
		if (proc_compose(pc, IMSG_RECONF_COMMITTED, gen, 0, -1, NULL,
		    0) == -1)
			fatal("answer to the parent");
		return 1;
	case IMSG_RECONF_ABORT:
		/* A process that refused has nothing staged. */
		if (rc->staged != NULL && gen == rc->gen) {
			daemon_conf_free(rc->staged);
			rc->staged = NULL;
		}
		return 1;
	default:
		return 0;
	}
}
