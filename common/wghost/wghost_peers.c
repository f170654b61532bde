/*
 * The host's peers: the set keyed by NodeID, replaced as a whole so
 * that a peer which did not change keeps its session, and the extras
 * added one by one.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/log.h"
#include "wghost.h"
#include "wghost_int.h"

static struct wgh_peer *
wgh_peer_new(struct wghost *h, const struct wgh_spec *sp)
{
	struct wgh_peer	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		log_warn("%s %u", h->h_label, sp->node_id);
		return NULL;
	}
	p->p_host = h;
	p->p_node_id = sp->node_id;
	p->p_has_psk = sp->psk != NULL;
	evtimer_set(&p->p_timer, wgh_timer_cb, p);
	if ((p->p_wg = wg_peer_new(h->h_wg, sp->pubkey, sp->psk, p)) ==
	    NULL) {
		log_warn("%s %u: cannot add", h->h_label, sp->node_id);
		free(p);
		return NULL;
	}
	return p;
}

/* What does not make a new session: static or not, keepalive, name. */
static void
wgh_peer_update(struct wgh_peer *p, const struct wgh_spec *sp,
    struct wg_time now)
{
	p->p_is_static = sp->is_static;
	p->p_keepalive = sp->keepalive;
	wg_peer_set_keepalive(p->p_wg, now, sp->keepalive);
	strlcpy(p->p_name, sp->name != NULL ? sp->name : "",
	    sizeof(p->p_name));
	wgh_touch(p);
}

/* Unlinks p from the touched list, where it may wait for its re-arm. */
static void
wgh_untouch(struct wgh_peer *p)
{
	struct wgh_peer	**pp;

	if (!p->p_is_touched)
		return;
	for (pp = &p->p_host->h_touched; *pp != NULL; pp = &(*pp)->p_touched)
		if (*pp == p) {
			*pp = p->p_touched;
			break;
		}
	p->p_is_touched = 0;
}

static void
wgh_peer_destroy(struct wgh_peer *p)
{
	wgh_untouch(p);
	wgh_staged_drop(p, 0);
	if (p->p_timer_at != 0 || evtimer_pending(&p->p_timer, NULL))
		evtimer_del(&p->p_timer);
	wg_peer_free(p->p_wg);
	sodium_memzero(p, sizeof(*p));
	free(p);
}

/* Same key and PSK as the spec: the session may stay. */
static int
wgh_peer_same(const struct wgh_peer *p, const struct wgh_spec *sp)
{
	uint8_t	pub[WG_KEY_LEN];
	int	same;

	wg_peer_pubkey(p->p_wg, pub);
	same = sodium_memcmp(pub, sp->pubkey, WG_KEY_LEN) == 0 &&
	    wg_peer_psk_equal(p->p_wg, sp->psk);
	sodium_memzero(pub, sizeof(pub));
	return same;
}

size_t
wgh_peers_replace(struct wghost *h, const struct wgh_spec *specs, size_t n)
{
	struct wgh_peer	**set, *p;
	struct wg_time	  now;
	size_t		  i, k = 0;
	uint32_t	  j;

	wgh_now(h, &now);
	if ((set = calloc(n ? n : 1, sizeof(*set))) == NULL)
		fatal("%s: peers", h->h_label);
	/*
	 * First the peers that stay, then free the rest, then the new
	 * ones: a key that moves to another NodeID is free by then.
	 */
	for (i = 0; i < n; i++) {
		j = h->h_idx[specs[i].node_id];
		if (j == WGH_NO_PEER || h->h_set[j] == NULL ||
		    !wgh_peer_same(h->h_set[j], &specs[i]))
			continue;
		set[i] = h->h_set[j];
		h->h_set[j] = NULL;
	}
	for (i = 0; i < h->h_nset; i++)
		if (h->h_set[i] != NULL)
			wgh_peer_destroy(h->h_set[i]);
	free(h->h_set);
	memset(h->h_idx, 0xff, 65536 * sizeof(*h->h_idx));
	for (i = 0; i < n; i++) {
		if (h->h_idx[specs[i].node_id] != WGH_NO_PEER) {
			/* The first of a NodeID counts. */
			if (set[i] != NULL)
				wgh_peer_destroy(set[i]);
			continue;
		}
		if ((p = set[i]) == NULL &&
		    (p = wgh_peer_new(h, &specs[i])) == NULL)
			continue;
		p->p_in_set = 1;
		wgh_peer_update(p, &specs[i], now);
		h->h_idx[p->p_node_id] = k;
		set[k++] = p;
	}
	h->h_set = set;
	h->h_nset = k;
	return k;
}

struct wgh_peer *
wgh_peer_add(struct wghost *h, const struct wgh_spec *sp)
{
	struct wgh_peer	*p;
	struct wg_time	 now;

	if ((p = wgh_peer_new(h, sp)) == NULL)
		return NULL;
	wgh_now(h, &now);
	wgh_peer_update(p, sp, now);
	p->p_next_extra = h->h_extra;
	h->h_extra = p;
	return p;
}

void
wgh_peer_free(struct wgh_peer *p)
{
	struct wghost	*h;
	struct wgh_peer	**pp;
	uint32_t	  j;

	if (p == NULL)
		return;
	h = p->p_host;
	if (p->p_in_set) {
		j = h->h_idx[p->p_node_id];
		h->h_set[j] = h->h_set[--h->h_nset];
		h->h_idx[h->h_set[j]->p_node_id] = j;
		h->h_idx[p->p_node_id] = WGH_NO_PEER;
	} else
		for (pp = &h->h_extra; *pp != NULL; pp = &(*pp)->p_next_extra)
			if (*pp == p) {
				*pp = p->p_next_extra;
				break;
			}
	wgh_peer_destroy(p);
}

void
wgh_peer_set_endpoint(struct wgh_peer *p, const struct sockaddr *sa,
    socklen_t len)
{
	if (len == 0 || len > sizeof(p->p_ep) ||
	    (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
		return;
	memcpy(&p->p_ep, sa, len);
	p->p_eplen = len;
}

int
wgh_peer_has_session(const struct wgh_peer *p, struct wg_time now)
{
	return wg_peer_has_session(p->p_wg, now);
}
