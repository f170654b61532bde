/* The control socket of netsim: see ctl.c. */
#ifndef NETSIM_CTL_H
#define NETSIM_CTL_H

#include <stddef.h>

#include "netsim.h"

struct ctl_conn {
	int		 c_fd;
	char		 c_in[NS_REQ_MAX + 1];
	size_t		 c_inlen;
	struct ns_buf	 c_out;
	size_t		 c_outoff;
	int		 c_stopping;	/* answered after teardown */
	struct ctl_conn	*c_next;
};

int		 ctl_listen(const char *);
struct ctl_conn	*ctl_accept(int);
int		 ctl_read(struct ctl_conn *);
int		 ctl_flush(struct ctl_conn *);
void		 ctl_close(struct ctl_conn *);
int		 ctl_request(const char *, const char *, struct ns_buf *);

#endif /* NETSIM_CTL_H */
