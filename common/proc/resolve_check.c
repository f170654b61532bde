/*
 * The parent's check of the resolver's answers: see resolver.h.  The
 * resolver parses DNS from the network, so the parent believes no more
 * than a request allows: the id it asked, a family in use, the length
 * of that family's address, the port it asked for.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <string.h>

#include "resolver.h"

static const char *resolve_verdict_names[RESOLVE_VERDICT_MAX] = {
	[RESOLVE_OK] = "answered",
	[RESOLVE_NONE] = "no address",
	[RESOLVE_LATE] = "late answer",
	[RESOLVE_BAD_LENGTH] = "bad length",
	[RESOLVE_UNSOLICITED] = "unsolicited answer",
	[RESOLVE_BAD_FAMILY] = "family not asked for",
	[RESOLVE_BAD_ADDRLEN] = "bad address length",
	[RESOLVE_BAD_PORT] = "port not asked for",
	[RESOLVE_BAD_STATUS] = "failure with an address",
};

const char *
resolve_verdict_name(enum resolve_verdict v)
{
	return v < RESOLVE_VERDICT_MAX ? resolve_verdict_names[v] : "?";
}

enum resolve_verdict
resolve_answer_check(const struct resolve_asked *asked, size_t n,
    const void *data, size_t len, struct resolve_answer *ans, size_t *slot)
{
	const struct resolve_asked	*q = NULL;
	struct sockaddr_in		 sin;
	struct sockaddr_in6		 sin6;
	uint16_t			 port;
	size_t				 i;

	if (len != sizeof(*ans))
		return RESOLVE_BAD_LENGTH;
	memcpy(ans, data, sizeof(*ans));
	for (i = 0; i < n && q == NULL; i++)
		if (asked[i].used && asked[i].id == ans->id) {
			q = &asked[i];
			*slot = i;
		}
	if (q == NULL)
		return RESOLVE_UNSOLICITED;
	if (q->timed_out)
		return RESOLVE_LATE;
	if (ans->status != 0)
		return ans->sslen == 0 ? RESOLVE_NONE : RESOLVE_BAD_STATUS;
	switch (ans->ss.ss_family) {
	case AF_INET:
		if (!q->have4)
			return RESOLVE_BAD_FAMILY;
		if (ans->sslen != sizeof(sin))
			return RESOLVE_BAD_ADDRLEN;
		memcpy(&sin, &ans->ss, sizeof(sin));
		port = ntohs(sin.sin_port);
		break;
	case AF_INET6:
		if (!q->have6)
			return RESOLVE_BAD_FAMILY;
		if (ans->sslen != sizeof(sin6))
			return RESOLVE_BAD_ADDRLEN;
		memcpy(&sin6, &ans->ss, sizeof(sin6));
		port = ntohs(sin6.sin6_port);
		break;
	default:
		return RESOLVE_BAD_FAMILY;
	}
	if (port != q->port)
		return RESOLVE_BAD_PORT;
	return RESOLVE_OK;
}
