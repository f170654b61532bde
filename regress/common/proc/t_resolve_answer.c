/*
 * The parent's check of the resolver's answers (common/proc/
 * resolve_check.c): only an answer to a request outstanding, of a
 * family and port the request allows, of the right lengths, is taken;
 * a late one is told apart from one nobody asked for.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netdb.h>
#include <string.h>

#include "proc/proc_imsg.h"
#include "proc/resolver.h"
#include "regress/lib/tap.h"

static struct resolve_asked	asked[4];

/* An answer with an IPv4 address and port for request id. */
static struct resolve_answer
answer4(uint32_t id, const char *addr, uint16_t port)
{
	struct resolve_answer	a;
	struct sockaddr_in	sin;

	memset(&a, 0, sizeof(a));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	memcpy(&a.ss, &sin, sizeof(sin));
	a.id = id;
	a.sslen = sizeof(sin);
	return a;
}

static struct resolve_answer
answer6(uint32_t id, const char *addr, uint16_t port)
{
	struct resolve_answer	a;
	struct sockaddr_in6	sin6;

	memset(&a, 0, sizeof(a));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	memcpy(&a.ss, &sin6, sizeof(sin6));
	a.id = id;
	a.sslen = sizeof(sin6);
	return a;
}

static enum resolve_verdict
check(const struct resolve_answer *a, size_t len, size_t *slot)
{
	struct resolve_answer	out;

	*slot = 99;
	if (len == 0)
		len = sizeof(*a);
	return resolve_answer_check(asked, 4, a, len, &out, slot);
}

int
main(void)
{
	struct resolve_answer	a;
	uint8_t			big[sizeof(a) + 8];
	size_t			slot;

	/* Slot 1: id 7, port 3002, IPv4 only; slot 3: id 9, both. */
	asked[1] = (struct resolve_asked){ .id = 7, .port = 3002,
	    .have4 = 1, .used = 1 };
	asked[3] = (struct resolve_asked){ .id = 9, .port = 53,
	    .have4 = 1, .have6 = 1, .used = 1 };
	/* Slot 0 was used by id 5 once: free now. */
	asked[0] = (struct resolve_asked){ .id = 5, .port = 3002,
	    .have4 = 1 };

	a = answer4(7, "192.0.2.1", 3002);
	ok(check(&a, 0, &slot) == RESOLVE_OK && slot == 1,
	    "the answer to request 7 is taken, for its slot");
	a = answer6(9, "2001:db8::1", 53);
	ok(check(&a, 0, &slot) == RESOLVE_OK && slot == 3,
	    "an IPv6 answer to a request that allows IPv6");

	a = answer4(8, "192.0.2.1", 3002);
	ok(check(&a, 0, &slot) == RESOLVE_UNSOLICITED,
	    "wrong id: no request has it, refused as unsolicited");
	a = answer4(5, "192.0.2.1", 3002);
	ok(check(&a, 0, &slot) == RESOLVE_UNSOLICITED,
	    "the id of a request already answered: unsolicited");
	a = answer4(0, "192.0.2.1", 3002);
	ok(check(&a, 0, &slot) == RESOLVE_UNSOLICITED,
	    "id 0, never given out: unsolicited");

	a = answer6(7, "2001:db8::1", 3002);
	ok(check(&a, 0, &slot) == RESOLVE_BAD_FAMILY,
	    "wrong family: IPv6 for a request of IPv4 only");
	a = answer4(7, "192.0.2.1", 3002);
	a.ss.ss_family = AF_UNIX;
	ok(check(&a, 0, &slot) == RESOLVE_BAD_FAMILY,
	    "wrong family: AF_UNIX");

	a = answer4(7, "192.0.2.1", 3002);
	ok(check(&a, sizeof(a) - 1, &slot) == RESOLVE_BAD_LENGTH,
	    "bad length: one byte short");
	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	ok(resolve_answer_check(asked, 4, big, sizeof(big), &a, &slot) ==
	    RESOLVE_BAD_LENGTH, "bad length: longer than an answer");
	ok(resolve_answer_check(asked, 4, big, 0, &a, &slot) ==
	    RESOLVE_BAD_LENGTH, "bad length: empty");

	a = answer4(7, "192.0.2.1", 3002);
	a.sslen = sizeof(struct sockaddr_in6);
	ok(check(&a, 0, &slot) == RESOLVE_BAD_ADDRLEN,
	    "an IPv4 address with the length of an IPv6 one");
	a = answer6(9, "2001:db8::1", 53);
	a.sslen = sizeof(a.ss);
	ok(check(&a, 0, &slot) == RESOLVE_BAD_ADDRLEN,
	    "an IPv6 address with the length of sockaddr_storage");

	a = answer4(7, "192.0.2.1", 3003);
	ok(check(&a, 0, &slot) == RESOLVE_BAD_PORT,
	    "a port the request did not ask for");

	memset(&a, 0, sizeof(a));
	a.id = 7;
	a.status = EAI_NONAME;
	ok(check(&a, 0, &slot) == RESOLVE_NONE && slot == 1,
	    "no address: the request fails, for its slot");
	a = answer4(7, "192.0.2.1", 3002);
	a.status = EAI_NONAME;
	ok(check(&a, 0, &slot) == RESOLVE_BAD_STATUS,
	    "a failure that carries an address is refused");

	asked[1].timed_out = 1;
	a = answer4(7, "192.0.2.1", 3002);
	ok(check(&a, 0, &slot) == RESOLVE_LATE && slot == 1,
	    "an answer after its request timed out is late, not taken");
	a = answer4(7, "192.0.2.1", 3003);
	ok(check(&a, 0, &slot) == RESOLVE_LATE,
	    "a late answer is dropped whatever it says");

	ok(strcmp(resolve_verdict_name(RESOLVE_UNSOLICITED),
	    "unsolicited answer") == 0 &&
	    strcmp(resolve_verdict_name(RESOLVE_VERDICT_MAX), "?") == 0,
	    "verdicts have the names the log counts them by");
	return tap_done();
}
