/*
 * Encoding of IMSG_CTL_RESULT, shared by the daemons and egctl.
 */
#include <sys/types.h>
#include <sys/uio.h>

#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "eg_imsg.h"
#include "log.h"
#include "proc.h"
#include "wg.h"

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

void
ctl_counters_wg(struct proc_chan *pc, uint32_t peerid, const char *prefix,
    const struct wg_local *l)
{
	struct wg_stat	st[WG_STATS_MAX];
	char		name[48];
	size_t		n, i;
	int		drop;

	if (l == NULL)
		return;
	n = wg_local_stats(l, st, WG_STATS_MAX);
	for (i = 0; i < n; i++) {
		/* WireGuard names its drop reasons drop_*. */
		drop = strncmp(st[i].name, "drop_", 5) == 0;
		snprintf(name, sizeof(name), "%s %s", prefix,
		    st[i].name + (drop ? 5 : 0));
		ctl_counter_compose(pc, peerid, drop ? CTLC_DROP :
		    CTLC_COUNTER, name, st[i].value);
	}
}
