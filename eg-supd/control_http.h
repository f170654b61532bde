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
#include <sys/tree.h>

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "edgeapi/edgeapi.h"
#include "edgeapi/edgeapi_json.h"
#include "supd_imsg.h"

struct evhttp_request;

#define HTTP_MAX_CONNS		256	/* open connections, both APIs */
#define HTTP_TIMEOUT_S		30	/* idle or slow connections */
#define HTTP_MAX_HEADERS	8192	/* bytes of request line + headers */
#define HTTP_MAX_PENDING	64	/* Manage calls the parent has */
#define HTTP_MANAGE_WAIT_S	30	/* then 504 */

/* Where the HTTP side's messages go (control.c: imsg channels). */
struct http_out {
	void	(*hash)(const struct supd_hash *);	/* engine */
	void	(*fetched)(const struct supd_hash *);	/* engine */
	void	(*sample)(const struct supd_sample *);	/* route */
	int	(*manage)(const struct supd_manage *);	/* parent; -1: no */
};

/* What the HTTP side knows about one edge. */
struct hnode {
	RB_ENTRY(hnode)			 entry;
	uint16_t			 node_id;
	const struct conf_super_peer	*peer;		/* NULL: not in config */
	int				 has_key;
	uint8_t				 key[EDGEAPI_KEY_LEN];
	int64_t				 last_ts;	/* newest X-EG-Auth ms */
	struct supd_edge		 edge;		/* from the engine */
	struct edgeapi_localaddrs		 local;		/* from nodeinfo */
	int64_t				 last_post_ms;	/* nodeinfo accepted */
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
void	 hstate_apikey(const struct supd_apikey *);
void	 hstate_pskseed(const uint8_t seed[32]);
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
 * The document of a state as served to that edge (peers: its PSKs and
 * SkipLocalIP applied), malloc'ed (wipe it: it may hold PSKs); NULL and
 * a reason when it cannot be served yet.
 */
char	*hstate_doc(const struct hnode *, enum ovlmsg_state, size_t *lenp,
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
/* Open connections, as counted against HTTP_MAX_CONNS. */
int	 http_conns(void);
/* Replies: a one-line text (status >= 400 or a short 200), or data. */
void	 http_text(struct evhttp_request *, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 http_data(struct evhttp_request *, int status, const char *ctype,
	    const void *, size_t);
/* The request's body (contiguous), or NULL if it has none. */
const uint8_t *http_body(struct evhttp_request *, size_t *lenp);
int64_t	 http_now_ms(void);		/* CLOCK_REALTIME */
/* The API_Prefix in the form routes compare against: "" or "/a/b". */
const char *http_prefix(void);

/* control_http_edge.c: path is what follows the prefix ("/edge/..."). */
void	 http_edge(struct evhttp_request *, const char *path,
	    const char *query);

/* control_http_manage.c */
void	 http_manage(struct evhttp_request *, int call, const char *query);
void	 http_manage_result(const struct supd_manage_result *,
	    const char *text);
void	 http_manage_shutdown(void);

extern struct http_out	http_out;

#endif /* EG_SUPD_HTTP_H */
