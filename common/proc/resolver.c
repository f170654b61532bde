/*
 * The resolver process (ntpd's and bgpd's split on OpenBSD): the names
 * in the config are resolved here, not in the parent, so that the
 * parent, which keeps uid 0, never parses a DNS answer.  It answers the
 * parent's IMSG_RESOLVE_REQ, one at a time and in order, with one
 * IMSG_RESOLVE_ANSWER each; the parent checks every answer against its
 * request (parent_resolve.c) and times out the ones that take too long.
 *
 * It is not chrooted: glibc reads /etc/resolv.conf, /etc/hosts,
 * /etc/nsswitch.conf and /etc/gai.conf by those paths, and rereads
 * resolv.conf when it changes; copies in a chroot would go stale and
 * bind mounts would need a mount namespace.  Instead it runs as the
 * daemon's user with no capabilities, no_new_privs and the "resolver"
 * filter (sandbox.c): files opened read-only, sockets of the families
 * DNS needs, no exec, no executable memory, and no channel but the one
 * to the parent (proc_linked()).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "proc_imsg.h"
#include "resolver.h"
#include "sandbox.h"
#include "util/addr.h"
#include "util/log.h"

static struct proc_chan	resolver_chans[PROC_MAX];

static void
resolver_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	struct resolve_req	req;
	struct resolve_answer	ans;
	socklen_t		len = 0;

	if (imsg->hdr.type != IMSG_RESOLVE_REQ)
		proc_unexpected(pc, imsg);
	if (imsg->datalen != sizeof(req))
		fatalx("IMSG_RESOLVE_REQ: bad length %zu", imsg->datalen);
	memcpy(&req, imsg->data, sizeof(req));
	if (memchr(req.hostport, '\0', sizeof(req.hostport)) == NULL)
		fatalx("IMSG_RESOLVE_REQ %u: name not terminated", req.id);
	memset(&ans, 0, sizeof(ans));
	ans.id = req.id;
	ans.status = endpoint_resolve(req.hostport, req.af_prefer,
	    req.have4, req.have6, &ans.ss, &len) == 0 ? 0 : EAI_NONAME;
	ans.sslen = ans.status == 0 ? (uint32_t)len : 0;
	if (ans.status != 0)
		memset(&ans.ss, 0, sizeof(ans.ss));
	if (proc_compose(pc, IMSG_RESOLVE_ANSWER, 0, 0, -1, &ans,
	    sizeof(ans)) == -1)
		fatal("answer to the parent");
}

void
resolver_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = resolver_dispatch_parent,
	};

	proc_child_start(PROC_RESOLVER, SB_RESOLVER, resolver_chans,
	    dispatch);
	event_dispatch();
	exit(0);
}
