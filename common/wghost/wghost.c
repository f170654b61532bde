/*
 * The host's life: its identity, sockets, clock and buffers, and the
 * flush that sends what is queued and re-arms the peers' timers.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <event.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "util/log.h"
#include "wghost.h"
#include "wghost_int.h"

static uint8_t *
wgh_buf_alloc(size_t size)
{
	void	*p;

	/* Aligned, so that the AEAD works on aligned words. */
	if (posix_memalign(&p, 64, size) != 0)
		return NULL;
	return p;
}

static void
wgh_buffers_free(struct wghost *h)
{
	int	i;

	/* They held plaintext: decrypted datagrams, frames to relay. */
	for (i = 0; i < WGH_BATCH; i++) {
		if (h->h_rxbufs[i] != NULL)
			sodium_memzero(h->h_rxbufs[i], h->h_bufsize);
		free(h->h_rxbufs[i]);
	}
	for (i = 0; i < WGH_COPIES; i++) {
		if (h->h_copybufs[i] != NULL)
			sodium_memzero(h->h_copybufs[i], h->h_bufsize);
		free(h->h_copybufs[i]);
	}
}

struct wghost *
wgh_new(const uint8_t priv[WG_KEY_LEN], size_t bufsize, size_t staged_max,
    const struct wgh_ops *ops, void *arg, const char *label)
{
	struct wghost	*h;
	int		 i;

	if (bufsize < WG_HANDSHAKE_MAX || bufsize < WG_SEND_BUFLEN(0) ||
	    staged_max > WGH_STAGED_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if (ops != NULL)
		h->h_ops = *ops;
	h->h_arg = arg;
	strlcpy(h->h_label, label != NULL ? label : "peer",
	    sizeof(h->h_label));
	h->h_fd[WGH_V4] = h->h_fd[WGH_V6] = -1;
	h->h_staged_max = staged_max;
	h->h_bufsize = (bufsize + 63) & ~(size_t)63;
	for (i = 0; i < WGH_DROP_MAX; i++)
		h->h_drop[i] = &h->h_drops[i];
	if ((h->h_idx = malloc(65536 * sizeof(*h->h_idx))) == NULL)
		goto fail;
	memset(h->h_idx, 0xff, 65536 * sizeof(*h->h_idx));
	for (i = 0; i < WGH_BATCH; i++)
		if ((h->h_rxbufs[i] = wgh_buf_alloc(h->h_bufsize)) == NULL)
			goto fail;
	for (i = 0; i < WGH_COPIES; i++)
		if ((h->h_copybufs[i] = wgh_buf_alloc(h->h_bufsize)) == NULL)
			goto fail;
	if ((h->h_wg = wg_local_new(priv, h->h_ops.random, arg)) == NULL)
		goto fail;
	return h;
fail:
	i = errno;
	wgh_buffers_free(h);
	free(h->h_idx);
	free(h);
	errno = i;
	return NULL;
}

void
wgh_free(struct wghost *h)
{
	int	af;

	if (h == NULL)
		return;
	wgh_peers_replace(h, NULL, 0);
	while (h->h_extra != NULL)
		wgh_peer_free(h->h_extra);
	for (af = 0; af < WGH_NAF; af++)
		if (h->h_fd[af] != -1)
			event_del(&h->h_ev[af]);
	wg_local_free(h->h_wg);
	free(h->h_set);
	free(h->h_idx);
	wgh_buffers_free(h);
	free(h);
}

void
wgh_count_drops_at(struct wghost *h, enum wgh_drop d, uint64_t *ctr)
{
	if (d < WGH_DROP_MAX)
		h->h_drop[d] = ctr != NULL ? ctr : &h->h_drops[d];
}

void
wgh_set_socket(struct wghost *h, int af, int fd)
{
	if (af != WGH_V4 && af != WGH_V6)
		return;
	if (h->h_fd[af] != -1)
		event_del(&h->h_ev[af]);
	h->h_fd[af] = fd;
	if (fd == -1)
		return;
	event_set(&h->h_ev[af], fd, EV_READ | EV_PERSIST, wgh_udp, h);
	event_add(&h->h_ev[af], NULL);
}

void
wgh_now(const struct wghost *h, struct wg_time *t)
{
	struct timespec	ts;

	if (h != NULL && h->h_ops.clock != NULL) {
		h->h_ops.clock(h->h_arg, t);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t->mono = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->wall = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void
wgh_touch(struct wgh_peer *p)
{
	struct wghost	*h = p->p_host;

	if (p->p_is_touched)
		return;
	p->p_is_touched = 1;
	p->p_touched = h->h_touched;
	h->h_touched = p;
}

/* Move each touched peer's timer to the deadline the core gives now. */
static void
wgh_rearm(struct wghost *h)
{
	struct wgh_peer	*p;
	struct wg_time	 now;
	struct timeval	 tv;
	uint64_t	 at, wait;

	if (h->h_touched == NULL)
		return;
	wgh_now(h, &now);
	while ((p = h->h_touched) != NULL) {
		h->h_touched = p->p_touched;
		p->p_touched = NULL;
		p->p_is_touched = 0;
		at = wg_peer_next_deadline(p->p_wg);
		if (at == p->p_timer_at)
			continue;
		if (p->p_timer_at != 0)
			evtimer_del(&p->p_timer);
		p->p_timer_at = 0;
		if (at == UINT64_MAX)
			continue;
		wait = at > now.mono ? at - now.mono : 0;
		tv.tv_sec = wait / 1000000000ULL;
		tv.tv_usec = (wait % 1000000000ULL) / 1000 + 1;
		evtimer_add(&p->p_timer, &tv);
		p->p_timer_at = at;
	}
}

void
wgh_flush(struct wghost *h)
{
	if (h == NULL)
		return;
	wgh_txq_flush(h);
	wgh_rearm(h);
}

void
wgh_peer_timer(struct wgh_peer *p)
{
	struct wghost		*h = p->p_host;
	struct wg_result	 res;
	struct wg_time		 now;

	/* Tests call this without the event firing. */
	if (evtimer_pending(&p->p_timer, NULL))
		evtimer_del(&p->p_timer);
	p->p_timer_at = 0;
	wgh_now(h, &now);
	res.msg_len = 0;
	res.events = 0;
	wg_peer_tick(p->p_wg, now, &res);
	if (res.msg_len > 0)
		wgh_queue_to_peer(p, res.msg, res.msg_len);
	wgh_result(p, &res, NULL, 0, now);
	wgh_flush(h);
}

void
wgh_timer_cb(int fd, short event, void *arg)
{
	wgh_peer_timer(arg);
}
