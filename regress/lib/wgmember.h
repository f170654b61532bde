/*
 * A member of an EtherGuard network, for the hostile test tools
 * (regress/net/ovlforge.c, regress/net/p2pstorm.c): it holds a member's
 * private key and makes a WireGuard session with one egd or eg-supd as
 * the initiator, on common/wg, over an unconnected UDP socket.  Also the
 * command-line helpers those tools share with wgpeer and wgjunk.
 * Setup and command-line errors exit through err(3): 2 for bad
 * arguments, 1 for the rest, unless a function takes its own eval.
 */
#ifndef REGRESS_LIB_WGMEMBER_H
#define REGRESS_LIB_WGMEMBER_H

#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stdint.h>

#include "wg/wg.h"

/* How long wgm_handshake() keeps asking before it gives up. */
#define WGM_HANDSHAKE_WAIT	(10 * WG_SEC)

/* Called with the plaintext of every transport message (len may be 0). */
typedef void	(*wgm_data_fn)(void *arg, const uint8_t *data, size_t len);

struct wgm {
	int			 s;
	struct sockaddr_storage	 to;		/* egd's address */
	socklen_t		 tolen;
	struct wg_local		*local;
	struct wg_peer		*peer;
	int			 up;		/* our session is up */
	unsigned long		 errors;	/* sends that failed */
	wgm_data_fn		 on_data;	/* NULL: data ignored */
	void			*on_data_arg;
};

/* The options of the member tools, defaults set by the caller. */
struct wgm_args {
	const char	*keyfile;	/* -k: our private key */
	const char	*peerkey;	/* -p: the receiver's public key */
	uint16_t	 me;		/* -n: our NodeID */
	int		 have_me;
	uint16_t	 src;		/* -s: a NodeID, the tool says which */
	int		 have_src;
	unsigned long	 count;		/* -c: messages to send */
	unsigned long	 secs;		/* -d */
	unsigned long	 interval;	/* -i: microseconds between sends */
	uint8_t		 ttl;		/* -t: the overlay header's TTL */
};

/* A tool's own option ch with its argument; 0 if it has no such. */
typedef int	(*wgm_opt_fn)(void *arg, int ch, const char *optarg);

struct wg_time	 wgm_now(void);
void		 wgm_key_decode(uint8_t key[WG_KEY_LEN], const char *b64,
		    const char *what, int eval);
void		 wgm_key_file(uint8_t key[WG_KEY_LEN], const char *path,
		    int eval);
unsigned long	 wgm_number(const char *s, unsigned long max,
		    const char *what);
struct addrinfo	*wgm_resolve(const char *host, const char *port);

/*
 * getopt(3) by optstring: the options of struct wgm_args, the others
 * through tool_opt; usage() unless -k, -p and -n are given and nargs
 * operands follow them.  Returns the operands.
 */
char		**wgm_args_parse(struct wgm_args *, int argc, char *argv[],
		    const char *optstring, int nargs, wgm_opt_fn tool_opt,
		    void *arg, void (*usage)(void));

/*
 * Reads the keys of args, makes the socket to host port and the peer.
 * It sets every field: on_data comes after.
 */
void		 wgm_open(struct wgm *, const struct wgm_args *,
		    const char *host, const char *port);
void		 wgm_close(struct wgm *);
/* An initiation every second until a session is up; whether it is. */
int		 wgm_handshake(struct wgm *);
/* Everything waiting on the socket, then the timers that are due. */
void		 wgm_drain(struct wgm *);
/* Waits up to ms for the socket, then drains it. */
void		 wgm_wait(struct wgm *, int ms);
/* Encrypts len bytes at buf + WG_TRANSPORT_HEADER, sends; 1 if sent. */
int		 wgm_send(struct wgm *, uint8_t *buf, size_t len, size_t cap);

#endif /* REGRESS_LIB_WGMEMBER_H */
