/*
 * egd's EdgeAPI client (doc/super-internals.md), run by the control
 * process in super mode: fetches the state a ServerUpdate named (peers,
 * next-hop table, superparams) and posts the nodeinfo report every
 * HttpPostInterval.  What it learns goes out through struct
 * apiclient_out, so that regress can drive it without the daemon; its
 * connections come in from outside too (control_httpc.h).
 */
#ifndef EGD_APICLIENT_H
#define EGD_APICLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "edgeapi/edgeapi.h"
#include "egd_imsg.h"

struct event_base;

#define APICLIENT_TIMEOUT_S	10	/* one request */
#define APICLIENT_BACKOFF_MIN	1	/* s, doubling after each failure */
#define APICLIENT_BACKOFF_MAX	30
#define APICLIENT_POST_DEFAULT	50	/* s, until superparams arrive */
#define APICLIENT_FIRST_POST	1	/* s after the client can talk */

struct apiclient_out {
	void	(*peer)(const struct edgeapi_peer *);
	void	(*peers_done)(const uint8_t hash[EDGEAPI_HASH_LEN]);
	/* The whole table, sorted; the caller chunks it. */
	void	(*nh)(const struct conf_nexthop *, size_t);
	void	(*nh_done)(const uint8_t hash[EDGEAPI_HASH_LEN]);
	void	(*superparams)(const struct edgeapi_superparams *);
	/*
	 * Requests wait for a connection: ask for one, to be answered
	 * later (never from inside this call) by apiclient_connected().
	 */
	void	(*dial)(void);
	/*
	 * The parent holds the EdgeAPI key: ask it to sign a request, to
	 * be answered later (never from inside this call) by
	 * apiclient_signed(); -1 if it cannot be asked.
	 */
	int	(*sign)(const struct egd_api_sign *, const char *path);
};

void	apiclient_init(struct event_base *, const struct apiclient_out *);
/* From the config: our NodeID, and whether to report local addresses. */
void	apiclient_conf(uint16_t node_id, int skip_local_ip);
/* The parent's answer to sign(). */
void	apiclient_signed(const struct egd_api_signed *);
/* -1 if the address, Host or prefix is unusable. */
int	apiclient_addr(const struct egd_apiaddr *);
void	apiclient_localaddrs(const struct edgeapi_localaddrs *);
/* -1 if the state is not one of enum ovlmsg_state. */
int	apiclient_fetch(const struct egd_fetch *);
void	apiclient_pongs(const struct ovlmsg_pong *, size_t n);
/* The connection dial asked for: a connected socket, or -1 and errno. */
void	apiclient_connected(int fd, int error);
void	apiclient_shutdown(void);

/* Regress: post nodeinfo now; how many Pongs wait to be posted. */
void	apiclient_post_now(void);
size_t	apiclient_pending_pongs(void);

#endif /* EGD_APICLIENT_H */
