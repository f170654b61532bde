/*
 * The engine's drop counters: one array that every part counts into,
 * each reason under the name users see in egctl show peers.
 */
#include <sys/types.h>

#include <stdint.h>

#include "engine.h"

uint64_t	eng_drops[ED_MAX];

static const char *eng_drop_names[ED_MAX] = {
	[ED_OVL_HEADER] = "bad overlay header",
	[ED_TTL] = "ttl expired",
	[ED_NO_ROUTE] = "no route",
	[ED_NO_PEER] = "next hop not a peer",
	[ED_NO_ENDPOINT] = "no endpoint",
	[ED_STAGED_FULL] = "waiting queue full",
	[ED_HANDSHAKE_GAVE_UP] = "handshake gave up",
	[ED_OVER_MTU] = "over mtu",
	[ED_SHORT_FRAME] = "short frame",
	[ED_LOOPED] = "looped",
	[ED_IFACE_WRITE] = "interface write",
	[ED_IFACE_READ] = "interface read",
	[ED_SEND] = "send failed",
	[ED_CONTROL] = "control message",
	[ED_BAD_CONTROL] = "bad control message",
	[ED_SPOOFED] = "control message from elsewhere",
	[ED_DUP] = "dup",
	[ED_DUP_FULL] = "dup cache full",
	[ED_PEERS_FULL] = "peer table full",
	[ED_QUERY_RATE] = "querypeer rate",
	[ED_DUP_SHARE] = "dup share",
	[ED_NOT_LISTED] = "peer not listed by the supernode",
	[ED_WRONG_UPSTREAM] = "wrong upstream",
	[ED_TTL_CLAMPED] = "ttl clamped",
	[ED_FIB_SHARE] = "l2fib node share",
	[ED_BCAST_RATE] = "broadcast rate",
};

const char *
eng_drop_name(enum eng_drop d)
{
	return d < ED_MAX ? eng_drop_names[d] : "?";
}

void
eng_drops_host(struct wghost *h)
{
	wgh_count_drops_at(h, WGH_DROP_OVER_MTU, &eng_drops[ED_OVER_MTU]);
	wgh_count_drops_at(h, WGH_DROP_NO_ENDPOINT,
	    &eng_drops[ED_NO_ENDPOINT]);
	wgh_count_drops_at(h, WGH_DROP_STAGED_FULL,
	    &eng_drops[ED_STAGED_FULL]);
	wgh_count_drops_at(h, WGH_DROP_GAVE_UP,
	    &eng_drops[ED_HANDSHAKE_GAVE_UP]);
	wgh_count_drops_at(h, WGH_DROP_SEND, &eng_drops[ED_SEND]);
}
