/*
 * What egd's parent does for P2P mode: SaveNewPeers.  The engine tells
 * it of every peer a BroadcastPeer added; the config file gets them,
 * after the config's own, a second after the last one came, so that a
 * node joining a network of many writes its file once, not once each.
 */
#include <sys/types.h>
#include <sys/time.h>

#include <event.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "egd.h"
#include "egd_imsg.h"
#include "util/log.h"

#define LEARNED_MAX	1024	/* as the engine's peer table */

static struct {
	struct edgeapi_peer	*learned;
	size_t			 nlearned;
	struct event		 ev_save;
	int			 ev_set;
} pp;

static void
p2p_save(int fd, short event, void *arg)
{
	if (parent_conf_edge()->dynroute.save_new_peers)
		(void)egd_save_peers(pp.learned, pp.nlearned, 1);
}

/* IMSG_EGD_P2P_LEARNED from the engine. */
void
egd_p2p_learned(struct imsg *imsg)
{
	struct timeval		 tv = { 1, 0 };
	struct edgeapi_peer	 p;
	size_t			 i;

	if (imsg->datalen != sizeof(p))
		fatalx("IMSG_EGD_P2P_LEARNED: bad length");
	memcpy(&p, imsg->data, sizeof(p));
	if (p.node_id > NODEID_MAX_VALID || p.nendpoints > 1 || p.has_psk)
		fatalx("IMSG_EGD_P2P_LEARNED: bad peer");
	p.name[sizeof(p.name) - 1] = '\0';
	for (i = 0; i < pp.nlearned; i++)
		if (pp.learned[i].node_id == p.node_id)
			break;
	if (i == pp.nlearned) {
		if (pp.nlearned == LEARNED_MAX)
			return;		/* the engine has no room either */
		if (pp.learned == NULL && (pp.learned = calloc(LEARNED_MAX,
		    sizeof(*pp.learned))) == NULL)
			fatal("learned peers");
		pp.nlearned++;
	}
	pp.learned[i] = p;
	if (!pp.ev_set) {
		evtimer_set(&pp.ev_save, p2p_save, NULL);
		pp.ev_set = 1;
	}
	evtimer_del(&pp.ev_save);
	evtimer_add(&pp.ev_save, &tv);
}

/* A reload read the file: what it lacks now was taken out on purpose. */
void
egd_p2p_reloaded(void)
{
	sodium_memzero(pp.learned, pp.nlearned * sizeof(*pp.learned));
	pp.nlearned = 0;
}
