/*
 * The parent's side of the resolver (parent_resolve.c): names in the
 * config are resolved by the resolver process, asynchronously, with a
 * deadline; literal addresses are parsed at once, with no lookup.
 */
#ifndef EG_PARENT_RESOLVE_H
#define EG_PARENT_RESOLVE_H

#include <sys/types.h>
#include <sys/socket.h>

#include "proc.h"

#define RESOLVE_MAX_PENDING	256	/* requests the resolver holds */
#define RESOLVE_TIMEOUT_S	15	/* then the request fails */

/* An answer: the address, or NULL if there is none (logged). */
typedef void	(*resolve_cb)(const struct sockaddr_storage *, socklen_t,
		    void *arg);

/*
 * Requests that belong together: done(arg) runs once when the batch is
 * closed and every request in it has its answer (or failed).
 */
struct resolve_batch;
struct resolve_batch *resolve_batch_new(void (*done)(void *), void *arg);
void	resolve_batch_close(struct resolve_batch *);

void	parent_resolve_init(struct proc_chan *resolver);
/*
 * Resolve "host:port" for the families in use (have4, have6), af_prefer
 * (4 or 6) first; cb runs once: at once for a literal address or a
 * request that cannot be made, else when the resolver answers or after
 * RESOLVE_TIMEOUT_S.  batch may be NULL.
 */
void	parent_resolve(struct resolve_batch *, const char *hostport,
	    int af_prefer, int have4, int have6, resolve_cb, void *arg);
/* IMSG_RESOLVE_ANSWER: checked, then its request's callback. */
void	parent_resolve_imsg(struct proc_chan *, struct imsg *);

#endif /* EG_PARENT_RESOLVE_H */
