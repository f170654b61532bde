/*
 * The engine's peers: one WireGuard session each, where to send to it,
 * its counters, the packets waiting for its session, and its timer.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "egd.h"
#include "engine.h"
#include "util/log.h"

struct epeer *
peer_by_id(uint16_t id)
{
	uint16_t	i = eng->peer_idx[id];

	return i == ENG_NO_PEER ? NULL : eng->peers[i];
}

struct epeer *
peer_by_wg(struct wg_peer *wp)
{
	return wp == NULL ? NULL : wg_peer_arg(wp);
}

void
peer_drop_staged(struct epeer *ep)
{
	int	i;

	for (i = 0; i < ep->nstaged; i++) {
		sodium_memzero(ep->staged[i].buf, ep->staged[i].len);
		free(ep->staged[i].buf);
	}
	eng->drops[ED_HANDSHAKE_GAVE_UP] += ep->nstaged;
	ep->nstaged = 0;
}

static void
peer_free(struct epeer *ep)
{
	int	i;

	for (i = 0; i < ep->nstaged; i++)
		free(ep->staged[i].buf);
	ep->nstaged = 0;
	if (ep->timer_at != 0)
		evtimer_del(&ep->timer);
	if (ep->wg != NULL)
		wg_peer_free(ep->wg);
	free(ep);
}

/* Keep the newest packets: the oldest are the least useful by now. */
void
peer_stage(struct epeer *ep, const uint8_t *plain, size_t len)
{
	struct staged	*s;
	uint8_t		*buf;

	if ((buf = malloc(len)) == NULL) {
		eng->drops[ED_STAGED_FULL]++;
		return;
	}
	memcpy(buf, plain, len);
	if (ep->nstaged == ENG_STAGED_MAX) {
		free(ep->staged[0].buf);
		memmove(&ep->staged[0], &ep->staged[1],
		    (ENG_STAGED_MAX - 1) * sizeof(ep->staged[0]));
		ep->nstaged--;
		eng->drops[ED_STAGED_FULL]++;
	}
	s = &ep->staged[ep->nstaged++];
	s->buf = buf;
	s->len = len;
}

void
peer_flush_staged(struct epeer *ep, struct wg_time now)
{
	struct staged	 s;
	uint8_t		*buf;

	while (ep->nstaged > 0 && wg_peer_has_session(ep->wg, now)) {
		s = ep->staged[0];
		memmove(&ep->staged[0], &ep->staged[1],
		    (ep->nstaged - 1) * sizeof(ep->staged[0]));
		ep->nstaged--;
		buf = datapath_copybuf();
		memcpy(buf + WG_TRANSPORT_HEADER, s.buf, s.len);
		free(s.buf);
		datapath_send(ep, buf, s.len, now);
	}
}

void
peer_set_endpoint(struct epeer *ep, const struct sockaddr *sa, socklen_t len)
{
	if (len > sizeof(ep->ep))
		return;
	memcpy(&ep->ep, sa, len);
	ep->eplen = len;
}

/*
 * Act on what a WireGuard call said.  src is the source of the datagram
 * for wg_receive() results, NULL for the others.
 */
void
peer_handle_result(struct epeer *ep, struct wg_result *res,
    const struct sockaddr *src, socklen_t srclen)
{
	struct wg_time	now;

	if (ep == NULL)
		return;
	engine_now(&now);
	if ((res->events & WG_EV_ENDPOINT) && src != NULL && !ep->is_static)
		peer_set_endpoint(ep, src, srclen);
	if (res->events & (WG_EV_SESSION_INITIATOR | WG_EV_SESSION_RESPONDER)) {
		log_cat(LOGC_WG, "peer %u: session established (%s)",
		    ep->node_id, res->events & WG_EV_SESSION_INITIATOR ?
		    "initiator" : "responder");
		super_session_up(ep, now);
	}
	if (res->events & WG_EV_KEYPAIR_ROTATED)
		log_cat(LOGC_WG, "peer %u: new keypair", ep->node_id);
	if (res->events & WG_EV_GAVE_UP) {
		log_cat(LOGC_WG, "peer %u: handshake did not complete, "
		    "dropping %d waiting packets", ep->node_id, ep->nstaged);
		peer_drop_staged(ep);
	}
	if (res->events & WG_EV_KEYS_ZEROED)
		log_cat(LOGC_WG, "peer %u: session keys erased", ep->node_id);
	if (res->events & (WG_EV_FLUSH | WG_EV_KEEPALIVE)) {
		if (ep->nstaged > 0)
			peer_flush_staged(ep, now);
		else if (res->events & WG_EV_KEEPALIVE) {
			uint8_t *buf = datapath_copybuf();

			datapath_send(ep, buf, 0, now);
		}
	}
	engine_peer_touched(ep);
}

void
peer_tick(int fd, short event, void *arg)
{
	struct epeer		*ep = arg;
	struct wg_result	 res;
	struct wg_time		 now;

	ep->timer_at = 0;
	engine_now(&now);
	memset(&res, 0, sizeof(res));
	wg_peer_tick(ep->wg, now, &res);
	if (res.msg_len > 0)
		datapath_sendmsg(ep, res.msg, res.msg_len);
	peer_handle_result(ep, &res, NULL, 0);
	datapath_flush();
	engine_rearm_timers();
}

static struct epeer *
peer_find_old(struct epeer **old, size_t nold, uint16_t id,
    const uint8_t *pubkey)
{
	uint8_t	pub[WG_KEY_LEN];
	size_t	i;

	for (i = 0; i < nold; i++) {
		if (old[i] == NULL || old[i]->node_id != id)
			continue;
		wg_peer_pubkey(old[i]->wg, pub);
		if (sodium_memcmp(pub, pubkey, WG_KEY_LEN) == 0)
			return old[i];
	}
	return NULL;
}

static struct epeer *
peer_new(uint16_t id, const uint8_t *pubkey, const uint8_t *psk)
{
	struct epeer	*ep;

	if ((ep = calloc(1, sizeof(*ep))) == NULL)
		fatal("peer");
	ep->node_id = id;
	ep->latency_ms = NAN;
	evtimer_set(&ep->timer, peer_tick, ep);
	if ((ep->wg = wg_peer_new(eng->wg, pubkey, psk, ep)) == NULL) {
		log_warn("peer %u: cannot add", id);
		free(ep);
		return NULL;
	}
	return ep;
}

/* What does not make a new session: PSK, keepalive, endpoints. */
static void
peer_update(struct epeer *ep, const struct peer_spec *sp, struct wg_time now)
{
	size_t	i;

	wg_peer_set_psk(ep->wg, sp->psk);
	ep->has_psk = sp->psk != NULL;
	ep->is_static = sp->is_static;
	ep->keepalive = sp->keepalive;
	wg_peer_set_keepalive(ep->wg, now, ep->keepalive);
	strlcpy(ep->name, sp->name != NULL ? sp->name : "", sizeof(ep->name));
	if (sp->ncand > 0) {
		ep->ncand = sp->ncand > EPEER_MAX_CAND ? EPEER_MAX_CAND :
		    sp->ncand;
		for (i = 0; i < (size_t)ep->ncand; i++)
			ep->cand[i] = sp->cand[i];
		/* A peer we hear from keeps the address it uses. */
		if (ep->eplen == 0 || ep->last_rx == 0) {
			ep->curcand = 0;
			ep->cand_since = now.mono;
			peer_set_endpoint(ep, (struct sockaddr *)&ep->cand[0],
			    ep->cand[0].ss_family == AF_INET6 ?
			    sizeof(struct sockaddr_in6) :
			    sizeof(struct sockaddr_in));
		}
	}
}

/*
 * (Re)build the peers.  A peer whose NodeID and key did not change keeps
 * its session, endpoint and counters across a reload or a new list from
 * the supernode.
 */
int
peers_set(const struct peer_spec *specs, size_t n)
{
	struct epeer		**old = eng->peers, **peers, *ep;
	struct wg_time		 now;
	size_t			 nold = eng->npeers, i, j, k = 0;

	engine_now(&now);
	if ((peers = calloc(n ? n : 1, sizeof(*peers))) == NULL)
		fatal("peers");
	for (i = 0; i < n; i++) {
		const struct peer_spec *sp = &specs[i];

		if (sp->node_id > NODEID_MAX_VALID || sp->node_id == eng->me)
			continue;
		if ((ep = peer_find_old(old, nold, sp->node_id,
		    sp->pubkey)) != NULL) {
			for (j = 0; j < nold; j++)
				if (old[j] == ep)
					old[j] = NULL;
		} else if ((ep = peer_new(sp->node_id, sp->pubkey,
		    sp->psk)) == NULL)
			continue;
		peer_update(ep, sp, now);
		peers[k++] = ep;
		engine_peer_touched(ep);
	}
	for (j = 0; j < nold; j++)
		if (old[j] != NULL)
			peer_free(old[j]);
	free(old);
	eng->peers = peers;
	eng->npeers = k;
	memset(eng->peer_idx, 0xff, sizeof(eng->peer_idx));
	for (i = 0; i < eng->npeers; i++)
		eng->peer_idx[eng->peers[i]->node_id] = i;
	return 0;
}

/* Whether the supernode peer of this family must be made anew. */
static int
super_key_changed(const struct conf_supernode *a,
    const struct conf_supernode *b, int af)
{
	const struct conf_key	*ka = af == 0 ? &a->pubkey_v4 : &a->pubkey_v6;
	const struct conf_key	*kb = af == 0 ? &b->pubkey_v4 : &b->pubkey_v6;

	return ka->set != kb->set || sodium_memcmp(ka->key, kb->key,
	    sizeof(ka->key)) != 0 || a->psk.set != b->psk.set ||
	    sodium_memcmp(a->psk.key, b->psk.key, sizeof(a->psk.key)) != 0;
}

void
peers_set_supernode(const struct edge_conf *old, const struct edge_conf *conf)
{
	const struct conf_supernode	*sn = &conf->dynroute.supernode;
	const struct conf_key		*keys[2] = { &sn->pubkey_v4,
					    &sn->pubkey_v6 };
	struct sockaddr_storage		 ep;
	socklen_t			 eplen;
	struct wg_time			 now;
	int				 af;

	engine_now(&now);
	for (af = 0; af < 2; af++) {
		eplen = 0;
		/* A new key or PSK: a new session, at the same address. */
		if (eng->super[af] != NULL && (old == NULL ||
		    super_key_changed(&old->dynroute.supernode, sn, af))) {
			eplen = eng->super[af]->eplen;
			memcpy(&ep, &eng->super[af]->ep, sizeof(ep));
			peer_free(eng->super[af]);
			eng->super[af] = NULL;
		}
		if (eng->super[af] != NULL || !keys[af]->set ||
		    (af == 0 && conf->disabled_af.ipv4) ||
		    (af == 1 && conf->disabled_af.ipv6))
			continue;
		eng->super[af] = peer_new(NODEID_SUPERNODE, keys[af]->key,
		    sn->psk.set ? sn->psk.key : NULL);
		if (eng->super[af] == NULL)
			continue;
		strlcpy(eng->super[af]->name, af == 0 ? "supernode IPv4" :
		    "supernode IPv6", sizeof(eng->super[af]->name));
		eng->super[af]->has_psk = sn->psk.set;
		if (eplen > 0)
			peer_set_endpoint(eng->super[af],
			    (struct sockaddr *)&ep, eplen);
		engine_peer_touched(eng->super[af]);
	}
}

void
peers_drop_supernode(void)
{
	int	af;

	for (af = 0; af < 2; af++)
		if (eng->super[af] != NULL) {
			peer_free(eng->super[af]);
			eng->super[af] = NULL;
		}
}

void
peers_free(void)
{
	size_t	i;

	for (i = 0; i < eng->npeers; i++)
		peer_free(eng->peers[i]);
	for (i = 0; i < 2; i++)
		if (eng->super[i] != NULL)
			peer_free(eng->super[i]);
	free(eng->peers);
	eng->peers = NULL;
	eng->npeers = 0;
	if (eng->wg != NULL)
		wg_local_free(eng->wg);
	eng->wg = NULL;
}
