/*
 * The EdgeAPI client's state, shared by control_apiclient.c (connection and
 * fetches) and control_apiclient_post.c (the nodeinfo report).
 */
#ifndef EGD_APICLIENT_INT_H
#define EGD_APICLIENT_INT_H

#include <event.h>

#include "control_apiclient.h"
#include "control_httpc.h"
#include "edgeapi/edgeapi_json.h"

#define AC_POST		OVLMSG_NSTATES	/* request kind: the nodeinfo post */
#include <sys/queue.h>

#define AC_PATHQ_MAX	768

/* A request in flight. */
struct ac_req {
	TAILQ_ENTRY(ac_req)	 signing;	/* waiting for its MAC */
	int			 is_signing;
	uint32_t		 sign_id;
	int			 kind;		/* enum ovlmsg_state or AC_POST */
	char			 pathq[AC_PATHQ_MAX];
	int64_t			 ts_ms;
	uint8_t			*body;		/* POST: sent once signed */
	size_t			 blen;
	uint8_t			 kreq[EDGEAPI_KEY_LEN];	/* opens the answer */
	uint8_t			 hash[EDGEAPI_HASH_LEN]; /* fetched */
	size_t			 upto;		/* post: Pongs it covers */
};

/* One state to fetch. */
struct ac_state {
	uint8_t			 want[EDGEAPI_HASH_LEN]; /* newest FETCH */
	int			 want_set;
	uint8_t			 have[EDGEAPI_HASH_LEN];	/* delivered */
	int			 have_set;
	struct ac_req		*inflight;
	int			 backoff_s;	/* 0: no failure yet */
	struct event		 ev_retry;
};

struct apiclient {
	struct event_base	*base;
	struct apiclient_out	 out;
	uint16_t		 node_id;
	int			 skip_local_ip;
	int			 have_conf;
	int			 have_addr;
	struct egd_apiaddr	 addr;
	struct httpc		*http;		/* NULL: no address yet */
	int64_t			 last_ts;
	struct ac_state		 st[OVLMSG_NSTATES];
	struct edgeapi_localaddrs	 local;
	struct ovlmsg_pong	 pongs[EDGEAPI_MAX_PONGS]; /* oldest first */
	double			 pong_void[EDGEAPI_MAX_PONGS]; /* mono s */
	double			 pong_at[EDGEAPI_MAX_PONGS];	/* measured */
	double			 pong_age_s[EDGEAPI_MAX_PONGS]; /* reported */
	size_t			 npongs;
	struct ac_req		*post;
	double			 post_interval;	/* s */
	struct event		 ev_post;
	int			 ready;		/* events set up */
	TAILQ_HEAD(, ac_req)	 signing;
	uint32_t		 next_sign_id;
};

extern struct apiclient	ac;

/* control_apiclient.c */
int	ac_can_talk(void);
/* Sends a request (body NULL for a GET); NULL if it cannot. */
struct ac_req *ac_send(int kind, const char *pathq, const uint8_t *body,
	    size_t blen);
void	ac_req_free(struct ac_req *);
/*
 * The answer to request arg (an ac_req), as httpc_cb: once per request,
 * status 0 if there was none.  The request is freed.
 */
void	ac_response(int status, const uint8_t *body, size_t len, void *arg);

/* control_apiclient_post.c */
void	ac_post_cb(int, short, void *);
void	ac_post_schedule(double delay_s);
void	ac_post_done(struct ac_req *, int status, const uint8_t *body,
	    size_t len);
void	ac_post_abort(void);

#endif /* EGD_APICLIENT_INT_H */
