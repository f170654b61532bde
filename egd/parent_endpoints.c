/*
 * Where egd's peers are, for the engine: the parent has every peer's
 * EndPoint (and in super mode the supernode's) resolved by the resolver
 * (common/proc/parent_resolve.c) and passes each answer on in
 * IMSG_ENDPOINT.  A round asks for all of them at once and says when
 * the last answered, so that the start can wait for them as it did when
 * the parent called getaddrinfo() itself, without blocking its loop.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>

#include "egd.h"
#include "proc/parent_resolve.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

/* One endpoint asked for: whose, and the text the config had. */
struct ep_ask {
	uint16_t	node_id;
	uint8_t		force;
	uint8_t		af;		/* the supernode's: 4 or 6 */
	char		endpoint[RESOLVE_HOSTPORT_LEN];
};

static struct proc_chan	*ep_engine;

/*
 * A reload while the resolver worked may have changed the peer: an
 * answer for what the config no longer says is not passed on.
 */
static int
ep_current(const struct ep_ask *a)
{
	const struct edge_conf		*conf = parent_conf_edge();
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const struct conf_edge_peer	*p;

	if (a->node_id == NODEID_SUPERNODE)
		return sn->use_supernode && strcmp(a->af == 6 ?
		    sn->endpoint_v6 : sn->endpoint_v4, a->endpoint) == 0;
	return (p = conf_edge_peer_by_id(conf, a->node_id)) != NULL &&
	    strcmp(p->endpoint, a->endpoint) == 0;
}

static void
ep_answered(const struct sockaddr_storage *ss, socklen_t len, void *arg)
{
	struct ep_ask		*a = arg;
	struct peer_endpoint	 e;

	if (ss != NULL && !ep_current(a))
		log_debug("endpoint %s of %u: the config changed meanwhile, "
		    "answer dropped", a->endpoint, a->node_id);
	else if (ss != NULL) {
		memset(&e, 0, sizeof(e));
		e.node_id = a->node_id;
		e.force = a->force;
		e.sslen = len;
		memcpy(&e.ss, ss, len);
		if (proc_compose(ep_engine, IMSG_ENDPOINT, 0, 0, -1, &e,
		    sizeof(e)) == -1)
			fatal("endpoint to the engine");
	}
	free(a);
}

static void
ep_ask(struct resolve_batch *b, uint16_t node_id, const char *endpoint,
    int af_prefer, int have4, int have6, int force)
{
	struct ep_ask	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		fatal("%s", __func__);
	a->node_id = node_id;
	a->force = force != 0;
	a->af = af_prefer;
	strlcpy(a->endpoint, endpoint, sizeof(a->endpoint));
	parent_resolve(b, endpoint, af_prefer, have4, have6, ep_answered, a);
}

void
egd_endpoints_ask(const struct edge_conf *conf, const struct edge_conf *old,
    const struct egd_endpoints_round *r)
{
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const struct conf_edge_peer	*op;
	struct resolve_batch		*b;
	size_t				 i;

	ep_engine = r->engine;
	b = resolve_batch_new(r->done, r->arg);
	for (i = 0; i < conf->npeers; i++) {
		const struct conf_edge_peer *p = &conf->peers[i];

		if (p->endpoint[0] == '\0' || (r->statics_only &&
		    !p->is_static))
			continue;
		/*
		 * A static peer, or one whose EndPoint a reload changed,
		 * replaces where a dynamic peer roamed to: the file says
		 * where it is now.
		 */
		ep_ask(b, p->node_id, p->endpoint, conf->af_prefer, r->have4,
		    r->have6, p->is_static || (old != NULL &&
		    (op = conf_edge_peer_by_id(old, p->node_id)) != NULL &&
		    strcmp(op->endpoint, p->endpoint) != 0));
	}
	/* The supernode's endpoints, one session per family. */
	if (r->supernode && sn->endpoint_v4[0] != '\0' && r->have4)
		ep_ask(b, NODEID_SUPERNODE, sn->endpoint_v4, 4, 1, 0, 1);
	if (r->supernode && sn->endpoint_v6[0] != '\0' && r->have6)
		ep_ask(b, NODEID_SUPERNODE, sn->endpoint_v6, 6, 0, 1, 1);
	resolve_batch_close(b);
}
