/*
 * Manage API changes to the config, applied by the parent: control has
 * parsed and authorised the request; here the change is made on a copy
 * of the running config, checked by printing and parsing it again, and
 * applied as a reload is (parent_reconf()): when every child has staged
 * it, it is written to the config file (atomically, mode 0600), then
 * committed.  A change the children cannot apply leaves the file and
 * every process as they were.  Comments and layout of the file are not kept:
 * it is rewritten in the effective schema, as EtherGuard-Go does.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "control_manage_parse.h"
#include "eg-supd.h"
#include "parent_manage_auth.h"
#include "proc/parent.h"
#include "proc/proc_imsg.h"
#include "supd_imsg.h"
#include "util/clock.h"
#include "util/log.h"

#define RESULT_MAX	(60 * 1024)

/* A deep copy of a config, through its own printer and parser. */
static struct super_conf *
conf_copy(const struct super_conf *c)
{
	struct conf_diags	 d;
	struct super_conf	*copy;
	char			*yaml;
	size_t			 len;

	if ((yaml = conf_dump_super(c, CONF_PRINT_SECRETS, &len)) == NULL)
		return NULL;
	memset(&d, 0, sizeof(d));
	copy = conf_parse_super(c->path, yaml, len, &d, 0);
	sodium_memzero(yaml, len);
	free(yaml);
	conf_diags_free(&d);
	return copy;
}

/*
 * Check a changed copy as a reload would: the config as read back from
 * its own print, or NULL with why in err.
 */
static struct super_conf *
conf_check(struct super_conf *c, char *err, size_t errlen)
{
	struct conf_diags	 d;
	struct super_conf	*checked;
	char			*yaml;
	size_t			 len;

	if ((yaml = conf_dump_super(c, CONF_PRINT_SECRETS, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(&d, 0, sizeof(d));
	checked = conf_parse_super(c->path, yaml, len, &d, 0);
	if (checked == NULL)
		snprintf(err, errlen, "%s", d.count ? d.items[0].msg :
		    "the changed config does not load");
	sodium_memzero(yaml, len);
	free(yaml);
	conf_diags_free(&d);
	return checked;
}

/* Write c to its file, atomically and mode 0600: 0, or -1 and why. */
static int
conf_write(const struct super_conf *c, char *err, size_t errlen)
{
	char	*yaml, tmp[PATH_MAX];
	size_t	 len, off;
	ssize_t	 n;
	int	 fd, r = -1;

	if ((yaml = conf_dump_super(c, CONF_PRINT_SECRETS, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", c->path) >=
	    (int)sizeof(tmp) || (fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: cannot write: %s", c->path,
		    strerror(errno));
		goto done;
	}
	for (off = 0; off < len; off += n)
		if ((n = write(fd, yaml + off, len - off)) <= 0)
			break;
	if (off != len || fchmod(fd, 0600) == -1 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, c->path) == -1) {
		snprintf(err, errlen, "%s: cannot write: %s", c->path,
		    strerror(errno));
		unlink(tmp);
		goto done;
	}
	r = 0;
done:
	sodium_memzero(yaml, len);
	free(yaml);
	return r;
}

/* A Manage API change on its way through parent_reconf(). */
struct manage_txn {
	struct proc_chan	*pc;
	uint32_t		 request;
	int			 op;
	uint16_t		 node_id;
	uint16_t		 deleted;	/* or NODEID_INVALID */
	int			 fail_status;	/* 0: the children refused */
};

static struct conf_super_peer *
find_peer(struct super_conf *c, uint16_t id)
{
	size_t	i;

	for (i = 0; i < c->npeers; i++)
		if (c->peers[i].node_id == id)
			return &c->peers[i];
	return NULL;
}

static void
reply_flags(struct proc_chan *pc, uint32_t request, int status,
    const char *text, size_t len, uint32_t flags)
{
	struct supd_manage_result	r;
	struct iovec			iov[2];

	if (len > RESULT_MAX)
		len = RESULT_MAX;
	memset(&r, 0, sizeof(r));
	r.request = request;
	r.http_status = status;
	r.textlen = len;
	r.flags = flags;
	iov[0].iov_base = &r;
	iov[0].iov_len = sizeof(r);
	iov[1].iov_base = (void *)(uintptr_t)text;
	iov[1].iov_len = len;
	if (proc_compose_iov(pc, IMSG_SUPD_MANAGE_RESULT, 0, 0, -1, iov,
	    2) == -1)
		fatal("manage result");
}

static void
reply(struct proc_chan *pc, uint32_t request, int status, const char *text,
    size_t len)
{
	reply_flags(pc, request, status, text, len, 0);
}

/*
 * The edge config peer/add answers with: EdgeTemplate, or defaults, with
 * this supernode and the new edge filled in.  PrivKey is left empty for
 * the owner of the key to fill in.
 */
static char *
edge_template(const struct super_conf *sc, const struct conf_super_peer *p,
    size_t *lenp)
{
	struct conf_diags	 d;
	struct edge_conf	*e = NULL;
	struct conf_supernode	*sn;
	char			*yaml = NULL, *s;
	size_t			 i;
	static const char	 minimal[] =
	    "Interface:\n  IType: tap\n  Name: eg0\nNodeID: 1\n";

	memset(&d, 0, sizeof(d));
	if (sc->edge_template[0] != '\0')
		e = conf_load_edge(sc->edge_template, &d,
		    CONF_PARSE_NO_SECRETS | CONF_LOAD_TRUSTED);
	if (e == NULL) {
		if (sc->edge_template[0] != '\0')
			log_warnx("EdgeTemplate %s does not load, using "
			    "defaults", sc->edge_template);
		conf_diags_free(&d);
		memset(&d, 0, sizeof(d));
		e = conf_parse_edge("(defaults)", minimal, strlen(minimal),
		    &d, CONF_PARSE_NO_SECRETS);
	}
	conf_diags_free(&d);
	if (e == NULL)
		return NULL;
	e->node_id = p->node_id;
	if ((s = strdup(p->name)) != NULL) {
		free(e->node_name);
		e->node_name = s;
	}
	e->privkey.set = 0;
	sodium_memzero(e->privkey.key, sizeof(e->privkey.key));
	e->dynroute.additional_cost = p->additional_cost;
	sn = &e->dynroute.supernode;
	sn->use_supernode = 1;
	sn->psk = p->psk;
	sn->skip_local_ip = p->skip_local_ip;
	if (sc->privkey_v4.set) {
		crypto_scalarmult_base(sn->pubkey_v4.key, sc->privkey_v4.key);
		sn->pubkey_v4.set = 1;
	}
	if (sc->privkey_v6.set) {
		crypto_scalarmult_base(sn->pubkey_v6.key, sc->privkey_v6.key);
		sn->pubkey_v6.set = 1;
	}
	/* Peers and routes come from the supernode. */
	for (i = 0; i < e->npeers; i++)
		free(e->peers[i].endpoint);
	free(e->peers);
	e->peers = NULL;
	e->npeers = 0;
	free(e->nhtable.entries);
	e->nhtable.entries = NULL;
	e->nhtable.count = 0;
	yaml = conf_dump_edge(e, CONF_PRINT_SECRETS, lenp);
	conf_free_edge(e);
	return yaml;
}

static int
peer_add(struct super_conf *c, const struct supd_manage *m, char *err,
    size_t errlen)
{
	struct conf_super_peer	*p;
	size_t			 i;

	for (i = 0; i < c->npeers; i++) {
		if (c->peers[i].node_id == m->node_id) {
			snprintf(err, errlen, "Parameter NodeID: NodeID %u "
			    "exists", m->node_id);
			return 409;
		}
		if (strcmp(c->peers[i].name, m->name) == 0) {
			snprintf(err, errlen, "Parameter Name: %s exists",
			    m->name);
			return 409;
		}
		if (sodium_memcmp(c->peers[i].pubkey.key, m->pubkey, 32) ==
		    0) {
			snprintf(err, errlen, "Parameter PubKey: the key "
			    "exists");
			return 409;
		}
	}
	if ((p = reallocarray(c->peers, c->npeers + 1, sizeof(*p))) == NULL)
		goto nomem;
	c->peers = p;
	p = &c->peers[c->npeers];
	memset(p, 0, sizeof(*p));
	p->node_id = m->node_id;
	p->name = strndup(m->name, sizeof(m->name));
	p->endpoint = strdup("");
	p->external_ip = strdup("");
	c->npeers++;		/* so that conf_free_super frees it */
	if (p->name == NULL || p->endpoint == NULL || p->external_ip == NULL)
		goto nomem;
	memcpy(p->pubkey.key, m->pubkey, 32);
	p->pubkey.set = 1;
	if (m->has_psk) {
		memcpy(p->psk.key, m->psk, 32);
		p->psk.set = 1;
	}
	p->additional_cost = m->has_additional_cost ? m->additional_cost : -1;
	p->skip_local_ip = m->has_skip_local_ip ? m->skip_local_ip : 0;
	return 200;
nomem:
	snprintf(err, errlen, "out of memory");
	return 500;
}

static void
peer_remove(struct super_conf *c, struct conf_super_peer *p)
{
	size_t	i = p - c->peers;

	free(p->name);
	free(p->endpoint);
	free(p->external_ip);
	sodium_memzero(p, sizeof(*p));
	memmove(p, p + 1, (c->npeers - i - 1) * sizeof(*p));
	c->npeers--;
}

/*
 * Every child can apply the change: the file gets it before any of them
 * does, and a deleted edge is told to stop before it is forgotten.
 */
static int
manage_precommit(void *conf, void *arg, char *why, size_t len)
{
	struct manage_txn	*t = arg;

	if (conf_write(conf, why, len) == -1) {
		t->fail_status = 500;
		return -1;
	}
	if (t->deleted != NODEID_INVALID)
		proc_compose(parent_chan(PROC_ENGINE), IMSG_SUPD_DELETED, 0, 0,
		    -1, &t->deleted, sizeof(t->deleted));
	return 0;
}

static void
manage_done(int status, const char *msg, void *arg)
{
	struct manage_txn		*t = arg;
	struct super_conf		*done = parent_conf();
	struct conf_super_peer		*p;
	char				 text[512], *yaml;
	size_t				 len;

	if (status != 0) {
		log_warnx("manage: %s", msg);
		reply(t->pc, t->request, t->fail_status ? t->fail_status : 400,
		    msg, strlen(msg));
		free(t);
		return;
	}
	log_info("manage: config changed and written to %s", done->path);
	switch (t->op) {
	case SUPD_PEER_ADD:
		p = find_peer(done, t->node_id);
		yaml = p != NULL ? edge_template(done, p, &len) : NULL;
		if (yaml == NULL) {
			snprintf(text, sizeof(text), "NodeID %u added",
			    t->node_id);
			reply(t->pc, t->request, 200, text, strlen(text));
			break;
		}
		reply(t->pc, t->request, 200, yaml, len);
		sodium_memzero(yaml, len);
		free(yaml);
		break;
	case SUPD_PEER_DEL:
		snprintf(text, sizeof(text), "NodeID: %u deleted.", t->node_id);
		reply(t->pc, t->request, 200, text, strlen(text));
		break;
	default:
		snprintf(text, sizeof(text), "updated");
		reply(t->pc, t->request, 200, text, strlen(text));
		break;
	}
	free(t);
}

static void
supd_manage_apply(struct proc_chan *pc, struct imsg *imsg)
{
	const struct super_conf	*cur = parent_conf();
	struct manage_msg	 mm;
	struct supd_manage	 m;
	struct super_conf	*c, *checked;
	struct conf_super_peer	*p;
	struct manage_txn	*t;
	char			 err[512];
	int			 status, failed, replayed;
	uint16_t		 deleted = NODEID_INVALID;

	/* Control is not trusted: what it sends is checked here. */
	if (manage_msg_split(imsg->data, imsg->datalen, &mm) == -1)
		fatalx("IMSG_SUPD_MANAGE from control: malformed");
	err[0] = '\0';
	status = manage_cred_check(cur, &mm, clock_realtime_ms(), err,
	    sizeof(err), &failed, &replayed);
	if (status == 0 && mm.m.op == SUPD_AUTH_ONLY) {
		manage_msg_wipe(&mm);
		reply(pc, mm.m.request, 200, "", 0);
		return;
	}
	if (status == 0)
		status = manage_cred_change(cur, &mm, &m, err, sizeof(err),
		    &failed);
	manage_msg_wipe(&mm);
	if (status != 0) {
		log_info("manage: %s refused: %s", manage_call_name(mm.c.call),
		    err);
		reply_flags(pc, mm.m.request, status, err, strlen(err),
		    (failed ? SUPD_RESULT_AUTH_FAILED : 0) |
		    (replayed ? SUPD_RESULT_REPLAYED : 0));
		return;
	}
	status = 200;
	if ((m.op == SUPD_PEER_UPDATE || m.op == SUPD_SUPER_UPDATE) &&
	    !manage_has_changes(&m)) {
		if (m.op == SUPD_PEER_UPDATE)
			snprintf(err, sizeof(err), "NodeID %u: no parameter "
			    "updated", m.node_id);
		else
			snprintf(err, sizeof(err), "SuperNode: no parameter "
			    "updated");
		reply(pc, m.request, 200, err, strlen(err));
		sodium_memzero(&m, sizeof(m));
		return;
	}
	if (parent_reconf_busy()) {
		log_info("manage: %s refused: a reload is in progress",
		    manage_call_name(mm.c.call));
		reply(pc, m.request, 503, "reload in progress", 18);
		return;
	}
	if ((c = conf_copy(cur)) == NULL) {
		reply(pc, m.request, 500, "out of memory", 13);
		return;
	}

	switch (m.op) {
	case SUPD_PEER_ADD:
		status = peer_add(c, &m, err, sizeof(err));
		break;
	case SUPD_PEER_DEL:
	case SUPD_PEER_UPDATE:
		if ((p = find_peer(c, m.node_id)) == NULL) {
			snprintf(err, sizeof(err), "Parameter NodeID: %u not "
			    "found", m.node_id);
			status = 404;
			break;
		}
		if (m.op == SUPD_PEER_DEL) {
			deleted = m.node_id;
			peer_remove(c, p);
			break;
		}
		if (m.has_additional_cost)
			p->additional_cost = m.additional_cost;
		if (m.has_skip_local_ip)
			p->skip_local_ip = m.skip_local_ip;
		break;
	case SUPD_SUPER_UPDATE:
		if (m.has_send_ping_interval)
			c->send_ping_interval = m.send_ping_interval;
		if (m.has_http_post_interval)
			c->http_post_interval = m.http_post_interval;
		if (m.has_peer_alive_timeout)
			c->peer_alive_timeout = m.peer_alive_timeout;
		if (m.has_damping_resistance)
			c->graph.damping_resistance = m.damping_resistance;
		break;
	default:
		fatalx("IMSG_SUPD_MANAGE: unknown operation %u", m.op);
	}
	if (status != 200) {
		conf_free_super(c);
		reply(pc, m.request, status, err, strlen(err));
		return;
	}
	if ((checked = conf_check(c, err, sizeof(err))) == NULL) {
		conf_free_super(c);
		log_warnx("manage: %s", err);
		reply(pc, m.request, 400, err, strlen(err));
		return;
	}
	conf_free_super(c);
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		conf_free_super(checked);
		reply(pc, m.request, 500, "out of memory", 13);
		return;
	}
	t->pc = pc;
	t->request = m.request;
	t->op = m.op;
	t->node_id = m.node_id;
	t->deleted = deleted;
	parent_reconf(checked, 0, manage_precommit, manage_done, t);
}

void
supd_manage(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_SUPD_MANAGE:
		supd_manage_apply(pc, imsg);
		break;
	case IMSG_SUPD_EDGE_AUTH:
		supd_edge_auth(pc, imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}
