/*
 * Encoding of IMSG_CTL_RESULT, shared by the daemons and egctl.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "proc.h"
#include "proc/proc_imsg.h"
#include "util/log.h"

int
ctl_result_compose(struct proc_chan *pc, uint32_t peerid, int status,
    const char *msg)
{
	struct ctl_result	r;
	struct iovec		iov[2];
	size_t			len = strlen(msg);

	if (len > CTL_MSG_LEN)
		len = CTL_MSG_LEN;
	r.status = status;
	r.msglen = len;
	iov[0].iov_base = &r;
	iov[0].iov_len = sizeof(r);
	iov[1].iov_base = (void *)(uintptr_t)msg;
	iov[1].iov_len = len;
	return proc_compose_iov(pc, IMSG_CTL_RESULT, peerid, 0, -1, iov, 2);
}

int
ctl_result_decode(const struct imsg *imsg, int *status, const char **msg,
    size_t *msglen)
{
	struct ctl_result	r;

	if (imsg->datalen < sizeof(r))
		return -1;
	memcpy(&r, imsg->data, sizeof(r));
	if (r.msglen != imsg->datalen - sizeof(r) || r.msglen > CTL_MSG_LEN * 16)
		return -1;
	*status = r.status;
	*msg = (const char *)imsg->data + sizeof(r);
	*msglen = r.msglen;
	return 0;
}

void
ctl_counters_held(struct proc_chan *pc, uint32_t peerid,
    const struct proc_chan *to_route)
{
	struct proc_chan_stats	st;

	proc_chan_stats(to_route, &st);
	ctl_counter_compose(pc, peerid, CTLC_COUNTER, "samples held for "
	    "route (queue over its mark)", st.held);
	ctl_counter_compose(pc, peerid, CTLC_DROP, "sample for route "
	    "replaced by a newer", st.replaced);
	ctl_counter_compose(pc, peerid, CTLC_DROP, "sample for route, held "
	    "table full", st.full);
}

void
ctl_counter_compose(struct proc_chan *pc, uint32_t peerid, int kind,
    const char *name, uint64_t value)
{
	struct ctl_counter	cc;

	memset(&cc, 0, sizeof(cc));
	cc.kind = kind;
	strlcpy(cc.name, name, sizeof(cc.name));
	cc.value = value;
	if (proc_compose(pc, IMSG_CTL_COUNTER, peerid, 0, -1, &cc,
	    sizeof(cc)) == -1)
		fatal("counters");
}
