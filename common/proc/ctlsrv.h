/*
 * The control socket's server side, run by a daemon's control process:
 * accepts egctl clients, reads their requests as imsgs, and lets the
 * daemon relay replies back to a client by its connection id (carried
 * in the peerid field of messages relayed through other processes).
 */
#ifndef EG_CTLSRV_H
#define EG_CTLSRV_H

#include <stdint.h>

#include "imsg.h"

#define CTLSRV_MAXCLIENTS	32
#define CTLSRV_MAXQUEUE		(4 * 1024 * 1024)	/* slow client: drop */

struct ctl_client;
typedef void	(*ctlsrv_request_cb)(struct ctl_client *, uint32_t id,
		    struct imsg *);

/* Serve the listening socket fd (from the parent); cb gets requests. */
void	ctlsrv_init(int fd, ctlsrv_request_cb);
/* Queue a message to client id; a client that is gone is ignored. */
int	ctlsrv_send(uint32_t id, uint32_t type, const void *, size_t);
/* Send an IMSG_CTL_RESULT with a status and a text. */
int	ctlsrv_result(uint32_t id, int status, const char *msg);
void	ctlsrv_close(uint32_t id);

/*
 * The requests both daemons answer, relayed to the process that knows:
 * peers to the engine, routes to the route engine, reload to the parent.
 * ctlsrv_relay() is the dispatch for their answers (IMSG_CTL_*), which go
 * back to the client named in the peerid field.
 */
struct proc_chan;
void	ctlsrv_request(struct ctl_client *, uint32_t id, struct imsg *);
void	ctlsrv_relay(struct proc_chan *, struct imsg *);
void	ctlsrv_set_chans(struct proc_chan *chans);
void	ctlsrv_shutdown(void);

#endif /* EG_CTLSRV_H */
