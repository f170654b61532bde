/*
 * A small HTTP/1.1 client for the EdgeAPI, run by egd's control process
 * on sockets the parent dialed: control may not create or connect
 * sockets, and libevent's evhttp client always makes its own.  Requests
 * go one at a time over a keep-alive connection, in the order they were
 * queued; answers are framed by Content-Length, chunked encoding, or the
 * end of the connection.  When requests wait and there is no connection,
 * the client asks for one (want_conn) and waits for httpc_connected().
 */
#ifndef EGD_HTTPC_H
#define EGD_HTTPC_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct httpc;

#define HTTPC_MAX_HEADERS	16384	/* bytes of an answer's head */

/* status 0: no answer (no connection, closed, timed out, malformed). */
typedef void	(*httpc_cb)(int status, const uint8_t *body, size_t len,
		    void *arg);

struct httpc_hdr {
	const char	*name;
	const char	*value;
};

struct httpc *httpc_new(struct event_base *, int timeout_s, size_t max_body,
	    void (*want_conn)(void *), void *arg);
/* Fails what is queued without calling back; closes the connection. */
void	httpc_free(struct httpc *);
/*
 * Queue a request (body NULL: none); cb runs exactly once, later, and
 * must not free the client.  -1 if the request cannot be queued (bad
 * characters in it, or no memory).
 */
int	httpc_request(struct httpc *, const char *method, const char *pathq,
	    const struct httpc_hdr *, size_t nhdrs, const void *body,
	    size_t blen, httpc_cb cb, void *cbarg);
/* The connection asked for: a connected socket, or -1 and the errno. */
void	httpc_connected(struct httpc *, int fd, int error);
/* Requests waiting or in flight. */
size_t	httpc_pending(const struct httpc *);

#endif /* EGD_HTTPC_H */
