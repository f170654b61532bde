/*
 * WireGuard's five peer timers, driven by the caller's clock:
 * - retransmit: no response REKEY_TIMEOUT + jitter after an initiation;
 *   given up after MAX_TIMER_HANDSHAKES retries (REKEY_ATTEMPT_TIME).
 * - send keepalive: data received, nothing sent for KEEPALIVE_TIMEOUT.
 * - new handshake: data sent, nothing received for KEEPALIVE_TIMEOUT +
 *   REKEY_TIMEOUT + jitter.
 * - zero keys: no new session for REJECT_AFTER_TIME * 3.
 * - persistent keepalive, when configured.
 */
#include "wg_timers.h"
#include "wg_var.h"

static uint64_t
wg_timers_jitter(struct wg_peer *p)
{
	return (uint64_t)wg_rng_uniform(&p->p_local->l_rng,
	    WG_REKEY_TIMEOUT_JITTER_MS) * 1000000ULL;
}

void
wg_timers_init(struct wg_timers *t)
{
	int	i;

	for (i = 0; i < WG_T__COUNT; i++)
		t->at[i] = WG_TIMER_OFF;
	t->handshake_attempts = 0;
	t->need_another_keepalive = 0;
	t->sent_lastminute_handshake = 0;
	t->sent_handshake = 0;
	t->last_sent_handshake = 0;
}

void
wg_timers_data_sent(struct wg_peer *p, uint64_t now)
{
	struct wg_timers	*t = &p->p_timers;

	if (t->at[WG_T_NEW_HANDSHAKE] == WG_TIMER_OFF)
		t->at[WG_T_NEW_HANDSHAKE] = now + WG_KEEPALIVE_TIMEOUT +
		    WG_REKEY_TIMEOUT + wg_timers_jitter(p);
}

void
wg_timers_data_received(struct wg_peer *p, uint64_t now)
{
	struct wg_timers	*t = &p->p_timers;

	if (t->at[WG_T_SEND_KEEPALIVE] == WG_TIMER_OFF)
		t->at[WG_T_SEND_KEEPALIVE] = now + WG_KEEPALIVE_TIMEOUT;
	else
		t->need_another_keepalive = 1;
}

void
wg_timers_any_authenticated_packet_sent(struct wg_peer *p)
{
	p->p_timers.at[WG_T_SEND_KEEPALIVE] = WG_TIMER_OFF;
}

void
wg_timers_any_authenticated_packet_received(struct wg_peer *p)
{
	p->p_timers.at[WG_T_NEW_HANDSHAKE] = WG_TIMER_OFF;
}

void
wg_timers_any_authenticated_packet_traversal(struct wg_peer *p, uint64_t now)
{
	struct wg_timers	*t = &p->p_timers;

	if (t->persistent_keepalive != 0)
		t->at[WG_T_PERSISTENT] = now +
		    (uint64_t)t->persistent_keepalive * WG_SEC;
}

void
wg_timers_handshake_initiated(struct wg_peer *p, uint64_t now)
{
	p->p_timers.at[WG_T_RETRANSMIT] = now + WG_REKEY_TIMEOUT +
	    wg_timers_jitter(p);
}

void
wg_timers_handshake_complete(struct wg_peer *p, struct wg_time now)
{
	struct wg_timers	*t = &p->p_timers;

	t->at[WG_T_RETRANSMIT] = WG_TIMER_OFF;
	t->handshake_attempts = 0;
	t->sent_lastminute_handshake = 0;
	p->p_last_handshake = now.wall;
}

void
wg_timers_session_derived(struct wg_peer *p, uint64_t now)
{
	p->p_timers.at[WG_T_ZERO_KEYS] = now + 3 * WG_REJECT_AFTER_TIME;
}

uint64_t
wg_timers_next(const struct wg_timers *t)
{
	uint64_t	next = WG_TIMER_OFF;
	int		i;

	for (i = 0; i < WG_T__COUNT; i++)
		if (t->at[i] < next)
			next = t->at[i];
	return next;
}

/* Whether timer id is due at now; a due timer is disarmed. */
static int
wg_timer_due(struct wg_timers *t, enum wg_timer_id id, uint64_t now)
{
	if (t->at[id] == WG_TIMER_OFF || t->at[id] > now)
		return 0;
	t->at[id] = WG_TIMER_OFF;
	return 1;
}

void
wg_timers_tick(struct wg_peer *p, struct wg_time now, struct wg_result *res)
{
	struct wg_timers	*t = &p->p_timers;
	struct wg_local		*l = p->p_local;

	if (wg_timer_due(t, WG_T_RETRANSMIT, now.mono)) {
		if (t->handshake_attempts > WG_MAX_TIMER_HANDSHAKES) {
			/* Give up; leave residue to the zeroing timer. */
			t->at[WG_T_SEND_KEEPALIVE] = WG_TIMER_OFF;
			res->events |= WG_EV_GAVE_UP;
			wg_count(l, p, WG_C_HANDSHAKE_GAVE_UP, 1);
			if (t->at[WG_T_ZERO_KEYS] == WG_TIMER_OFF)
				t->at[WG_T_ZERO_KEYS] = now.mono +
				    3 * WG_REJECT_AFTER_TIME;
		} else {
			t->handshake_attempts++;
			wg_send_initiation(p, now, 1, 0, res);
		}
	}
	if (wg_timer_due(t, WG_T_SEND_KEEPALIVE, now.mono)) {
		res->events |= WG_EV_KEEPALIVE;
		if (t->need_another_keepalive) {
			t->need_another_keepalive = 0;
			t->at[WG_T_SEND_KEEPALIVE] = now.mono +
			    WG_KEEPALIVE_TIMEOUT;
		}
	}
	if (wg_timer_due(t, WG_T_NEW_HANDSHAKE, now.mono))
		wg_send_initiation(p, now, 0, 0, res);
	if (wg_timer_due(t, WG_T_ZERO_KEYS, now.mono)) {
		noise_handshake_clear(l, p);
		noise_keypairs_clear(l, p);
		res->events |= WG_EV_KEYS_ZEROED;
		wg_count(l, p, WG_C_KEYS_ZEROED, 1);
	}
	if (wg_timer_due(t, WG_T_PERSISTENT, now.mono) &&
	    t->persistent_keepalive != 0)
		res->events |= WG_EV_KEEPALIVE;
}
