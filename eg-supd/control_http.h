/*
 * eg-supd's HTTP side, run by the control process: the EdgeAPI and the
 * Manage API (doc/super-internals.md).  control_http_state.c owns the three
 * EdgeAPI states and their hashes, control_http_server.c the evhttp servers,
 * control_http_edge.c and control_http_manage.c the two APIs.  What they send to other
 * processes goes through struct http_out, so that regress can drive
 * them without the rest of the daemon.
 */
#ifndef EG_SUPD_HTTP_H
#define EG_SUPD_HTTP_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/tree.h>

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/addrnet.h"
#include "edgeapi/edgeapi.h"
#include "edgeapi/edgeapi_json.h"
#include "util/tbucket.h"
#include "supd_imsg.h"

struct bufferevent;
struct event_base;
struct evhttp_request;
struct hconn;
struct hsrc;
struct manage_form;

/*
 * Connections (control_http_conn.c): a budget for sources that may call
 * the Manage API and one for the others, caps per source in each, and a
 * deadline for a whole request; sources and Manage API authentication
 * (control_http_source.c, control_manage_auth.c).
 */
#define HTTP_MAX_CONNS		256	/* other sources */
#define HTTP_MAX_MANAGE_CONNS	64	/* sources that may manage */
#define HTTP_MAX_CONNS_ALL	(HTTP_MAX_CONNS + HTTP_MAX_MANAGE_CONNS)
#define HTTP_MAX_CONNS_SOURCE	16	/* of HTTP_MAX_CONNS, each */
#define HTTP_MAX_MANAGE_SOURCE	8	/* of HTTP_MAX_MANAGE_CONNS */
#define HTTP_REQUEST_S		10	/* s for a whole request */
#define HTTP_TIMEOUT_S		30	/* s an answer may stall */
#define HTTP_MAX_HEADERS	8192	/* request line and headers */
#define HTTP_MAX_SOURCES	4096	/* remembered at a time */
#define HTTP_AUTH_BURST		10	/* failures per source, then */
#define HTTP_AUTH_REFILL_S	30	/* one more per this many s */
#define HTTP_MAX_PENDING	64	/* Manage calls the parent has */
#define HTTP_MAX_EDGE_PENDING	1024	/* EdgeAPI requests it checks */
#define HTTP_PARENT_WAIT_S	30	/* then 504 */
/*
 * An edge posts nodeinfo once every HttpPostInterval: it may post four
 * times as often, with a burst of four, then gets 429.  The peers hash
 * (which every online edge refetches on) is published at most once per
 * HTTP_PEERS_DAMP_S: the first change at once, those that follow within
 * the interval together at its end.
 */
#define HTTP_NODEINFO_BURST	4
#define HTTP_NODEINFO_PER_POST	4
#define HTTP_PEERS_DAMP_S	5

/* The budget a connection counts against. */
enum {
	HTTP_CLASS_EDGE,
	HTTP_CLASS_MANAGE,
	HTTP_NCLASSES
};

/* What was refused, for the log and the tests. */
struct http_stats {
	uint64_t	refused_budget;	/* its class's budget full */
	uint64_t	refused_source;	/* its source's cap reached */
	uint64_t	refused_manage;	/* Manage port, other source */
	uint64_t	deadline;	/* no whole request in time */
	uint64_t	auth_failed;	/* Manage API, counted */
	uint64_t	throttled;	/* 429 */
	uint64_t	replayed;	/* signed request seen before */
	uint64_t	nodeinfo_throttled; /* 429: over the edge's budget */
	uint64_t	local_refused;	/* local address no LAN address */
	uint64_t	peers_published; /* new peers hashes told */
};
extern struct http_stats	http_stats;

/* Where the HTTP side's messages go (control.c: imsg channels). */
struct http_out {
	void	(*hash)(const struct supd_hash *);	/* engine */
	void	(*fetched)(const struct supd_hash *);	/* engine */
	void	(*sample)(const struct supd_sample *);	/* route */
	int	(*manage)(const void *, size_t);	/* parent; -1: no */
	int	(*edge_auth)(const struct supd_edge_auth *, const char *uri);
};

/* What the HTTP side knows about one edge. */
struct hnode {
	RB_ENTRY(hnode)			 entry;
	uint16_t			 node_id;
	const struct conf_super_peer	*peer;		/* NULL: not in config */
	struct supd_edge		 edge;		/* from the engine */
	struct edgeapi_localaddrs		 local;		/* from nodeinfo */
	int64_t				 last_post_ms;	/* nodeinfo accepted */
	struct tbucket			 posts;		/* nodeinfo budget */
	char				*sp_doc;	/* superparams */
	size_t				 sp_len;
	uint8_t				 sp_hash[EDGEAPI_HASH_LEN];
	int				 mark;		/* config matching */
};

/* control_http_state.c */
void	 hstate_init(const struct http_out *);
/* A config was committed; it stays valid until the next call. */
void	 hstate_conf(const struct super_conf *);
const struct super_conf *hstate_getconf(void);
void	 hstate_edge(const struct supd_edge *);
/* IMSG_SUPD_DOC chunks, then DOC_DONE: -1 for a bad doc type or size. */
int	 hstate_doc_chunk(int doc, const void *, size_t);
int	 hstate_doc_done(int doc);
/* Brings the states and hashes up to date now (normally deferred). */
void	 hstate_recompute(void);
void	 hstate_shutdown(void);

/* A configured edge, or NULL. */
struct hnode *hstate_node(uint16_t node_id);
/* The current hash of a state for that edge; all zero: none yet. */
const uint8_t *hstate_hash(const struct hnode *, enum ovlmsg_state);
/*
 * The document of a state as served to that edge (peers: its PSKs, npsks
 * of them from the parent, and SkipLocalIP applied), malloc'ed (wipe it:
 * it may hold PSKs); NULL and a reason when it cannot be served yet.
 */
char	*hstate_doc(const struct hnode *, enum ovlmsg_state,
	    const struct supd_pair_psk *psks, size_t npsks, size_t *lenp,
	    const char **why);
/* An edge's nodeinfo: keeps its local addresses, passes its Pongs on. */
void	 hstate_nodeinfo(struct hnode *, const struct edgeapi_nodeinfo *,
	    int64_t now_ms);
void	 hstate_fetched(const struct hnode *, enum ovlmsg_state,
	    const uint8_t hash[EDGEAPI_HASH_LEN]);
/* manage/super/state with PeerInfo, malloc'ed. */
char	*hstate_state_doc(size_t *lenp);

/* control_http_server.c */
/* Serve a listening socket from the parent; which: SUPD_HTTP_*. */
int	 http_listen(int fd, int which);
void	 http_shutdown(void);
/* The connection count changed: accept or pause. */
void	 http_conns_changed(void);
/* Replies: a one-line text (status >= 400 or a short 200), or data. */
void	 http_text(struct evhttp_request *, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 http_data(struct evhttp_request *, int status, const char *ctype,
	    const void *, size_t);
/* The request's body (contiguous), or NULL if it has none. */
const uint8_t *http_body(struct evhttp_request *, size_t *lenp);
int64_t	 http_now_ms(void);		/* CLOCK_REALTIME */
double	 http_mono_s(void);		/* CLOCK_MONOTONIC */
/* The API_Prefix in the form routes compare against: "" or "/a/b". */
const char *http_prefix(void);

/* control_http_conn.c */
/* evhttp's bufferevent callback; arg: the server's SUPD_HTTP_* role. */
struct bufferevent *hconn_bev(struct event_base *, void *arg);
/*
 * The connection of a request evhttp hands over, registered now if the
 * deferred pass has not; its deadline stops.  NULL: over a limit (answer
 * it 503 and close).
 */
struct hconn *hconn_of(struct evhttp_request *, int role);
/* An answer goes out: the deadline starts again once it is written. */
void	 hconn_reply(struct evhttp_request *);
const struct addr_net *hconn_addr(const struct hconn *);
struct hsrc *hconn_src(const struct hconn *);	/* NULL: not IP */
int	 hconn_class(const struct hconn *);
/* Open connections: all, and those counted against a class. */
int	 http_conns(void);
int	 http_conns_class(int class);
void	 hconn_shutdown(void);

/* control_http_source.c */
int64_t	 http_mono_ms(void);		/* CLOCK_MONOTONIC */
/* addr's source, made if new; NULL if the table has no room. */
struct hsrc *hsrc_get(const struct addr_net *);
/* Forgets it if it holds nothing worth keeping. */
void	 hsrc_release(struct hsrc *);
int	 hsrc_conns(const struct hsrc *, int class);
void	 hsrc_conn(struct hsrc *, int class, int delta);
const char *hsrc_name(const struct hsrc *);
/* Seconds until it may try again (0: now). */
int	 hsrc_throttled(struct hsrc *);
void	 hsrc_failed(struct hsrc *);
int	 hsrc_count(void);
void	 hsrc_shutdown(void);

/* control_http_edge.c: path is what follows the prefix ("/edge/..."). */
void	 http_edge(struct evhttp_request *, const char *path,
	    const char *query);
/* The parent's verdict on an EdgeAPI request (IMSG_SUPD_EDGE_GRANT). */
void	 http_edge_grant(const struct supd_edge_grant *,
	    const struct supd_pair_psk *);

/* control_http_wait.c: requests waiting for the parent's answer */
struct hwait {
	TAILQ_ENTRY(hwait)	 entry;
	uint32_t		 request;	/* the answer echoes it */
	struct evhttp_request	*req;
	int64_t			 deadline_ms;
	void			(*expired)(struct hwait *);
};
/* The id the next hwait_add() gives. */
uint32_t hwait_next_id(void);
void	 hwait_add(struct hwait *, struct evhttp_request *,
	    void (*expired)(struct hwait *));
struct hwait *hwait_find(uint32_t request);
void	 hwait_remove(struct hwait *);
/* 503 to all; each is freed (the first member of its allocation). */
void	 hwait_shutdown(void);

/* control_http_manage.c */
void	 http_manage(struct evhttp_request *, int call, const char *query,
	    struct hconn *);
void	 http_manage_result(const struct supd_manage_result *,
	    const char *text);

/* control_manage_auth.c */
/* A config was committed: AllowFrom, PlainPasswords, DelPeerByPrivKey. */
void	 manage_auth_conf(const struct super_conf *);
/* Loopback, or in ManageAPI.AllowFrom. */
int	 manage_may_call(const struct addr_net *);
/*
 * The credential a request to call carries, for the parent to check,
 * into c (kind, call, method, timestamp and MAC of a signed one) and
 * *secret (a password in clear, c->secretlen bytes, or NULL): 0, or an
 * HTTP status and why if it is malformed or may not come from src.
 */
int	 manage_cred_of(struct evhttp_request *, int call,
	    const struct manage_form *query, const struct manage_form *body,
	    const struct addr_net *src, struct supd_manage_cred *c,
	    const char **secret, char *why, size_t whylen);
void	 manage_auth_shutdown(void);

extern struct http_out	http_out;

#endif /* EG_SUPD_HTTP_H */
