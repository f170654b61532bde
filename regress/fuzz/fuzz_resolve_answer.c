/*
 * libFuzzer target for the parent's check of the resolver's answers
 * (common/proc/resolve_check.c): the input is an IMSG_RESOLVE_ANSWER's
 * payload, any length, checked against four requests (ids 1-4: IPv4
 * only, IPv6 only, both, and one that timed out), each for port 3002.
 * It checks that an answer taken is for a request outstanding and not
 * timed out, of a family it allows, with that family's address length
 * and its port, and that a verdict always has a name.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proc/proc_imsg.h"
#include "proc/resolver.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct resolve_asked asked[4] = {
		{ .id = 1, .port = 3002, .have4 = 1, .used = 1 },
		{ .id = 2, .port = 3002, .have6 = 1, .used = 1 },
		{ .id = 3, .port = 3002, .have4 = 1, .have6 = 1, .used = 1 },
		{ .id = 4, .port = 3002, .have4 = 1, .used = 1,
		    .timed_out = 1 },
	};
	const struct resolve_asked	*q;
	struct resolve_answer		 ans;
	struct sockaddr_in		 sin;
	struct sockaddr_in6		 sin6;
	enum resolve_verdict		 v;
	size_t				 slot = 99;

	v = resolve_answer_check(asked, 4, data, size, &ans, &slot);
	if (v >= RESOLVE_VERDICT_MAX || resolve_verdict_name(v)[0] == '?')
		abort();
	if (v == RESOLVE_BAD_LENGTH) {
		if (size == sizeof(ans))
			abort();
		return 0;
	}
	if (v == RESOLVE_UNSOLICITED) {
		if (ans.id >= 1 && ans.id <= 4)
			abort();
		return 0;
	}
	if (slot >= 4 || asked[slot].id != ans.id)
		abort();
	q = &asked[slot];
	if ((v == RESOLVE_LATE) != (q->timed_out != 0))
		abort();
	if (v == RESOLVE_NONE && (ans.status == 0 || ans.sslen != 0))
		abort();
	if (v != RESOLVE_OK)
		return 0;
	if (ans.status != 0)
		abort();
	if (ans.ss.ss_family == AF_INET) {
		memcpy(&sin, &ans.ss, sizeof(sin));
		if (!q->have4 || ans.sslen != sizeof(sin) ||
		    ntohs(sin.sin_port) != q->port)
			abort();
	} else if (ans.ss.ss_family == AF_INET6) {
		memcpy(&sin6, &ans.ss, sizeof(sin6));
		if (!q->have6 || ans.sslen != sizeof(sin6) ||
		    ntohs(sin6.sin6_port) != q->port)
			abort();
	} else
		abort();
	return 0;
}
