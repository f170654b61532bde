/*
 * Address networks (common/util/addrnet.c), as ManageAPI.AllowFrom and
 * the HTTP servers' sources use them: parsing, containment, loopback,
 * and IPv4-mapped peers of a dual-stack socket counted as IPv4.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "util/addrnet.h"
#include "regress/lib/tap.h"

static int
in(const char *net, const char *host)
{
	struct addr_net	n, h;

	return addr_net_parse(net, &n) == 0 && addr_net_parse(host, &h) == 0 &&
	    addr_net_contains(&n, &h);
}

static int
parses(const char *s)
{
	struct addr_net	n;

	return addr_net_parse(s, &n) == 0;
}

int
main(void)
{
	struct sockaddr_in6	sin6;
	struct sockaddr_in	sin;
	struct addr_net		n;
	char			buf[64];

	ok(parses("192.0.2.0/24") && parses("192.0.2.7") &&
	    parses("2001:db8::/32") && parses("::1") && parses("0.0.0.0/0") &&
	    parses("::/0") && parses("10.1.2.3/32"), "networks and addresses");
	ok(!parses("") && !parses("/8") && !parses("10.0.0.0/") &&
	    !parses("10.0.0.0/33") && !parses("::/129") &&
	    !parses("10.0.0.0/+8") && !parses("10.0.0.0/ 8") &&
	    !parses("10.0.0.0/0008") && !parses("example.org") &&
	    !parses("10.0.0.0/8/8") && !parses("[::1]"), "the rest refused");
	ok(in("192.0.2.0/24", "192.0.2.200") && !in("192.0.2.0/24",
	    "192.0.3.1") && in("10.0.0.0/9", "10.127.255.255") &&
	    !in("10.0.0.0/9", "10.128.0.0") && in("0.0.0.0/0", "8.8.8.8") &&
	    in("192.0.2.7", "192.0.2.7") && !in("192.0.2.7", "192.0.2.8"),
	    "IPv4 containment, partial bytes too");
	ok(in("2001:db8::/32", "2001:db8:ffff::1") && !in("2001:db8::/32",
	    "2001:db9::1") && !in("::/0", "10.0.0.1") && !in("0.0.0.0/0",
	    "::1"), "IPv6 containment; families apart");
	addr_net_parse("127.45.0.1", &n);
	ok(addr_net_loopback(&n), "127.0.0.0/8 is loopback");
	addr_net_parse("::1", &n);
	ok(addr_net_loopback(&n), "::1 is loopback");
	addr_net_parse("::2", &n);
	ok(!addr_net_loopback(&n), "::2 is not");

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:127.0.0.5", &sin6.sin6_addr);
	ok(addr_net_of((struct sockaddr *)&sin6, &n) == 0 &&
	    n.family == AF_INET && n.len == 32 && addr_net_loopback(&n) &&
	    strcmp(addr_net_str(&n, buf, sizeof(buf)), "127.0.0.5") == 0,
	    "an IPv4-mapped peer is IPv4: %s", buf);
	inet_pton(AF_INET6, "2001:db8::5", &sin6.sin6_addr);
	ok(addr_net_of((struct sockaddr *)&sin6, &n) == 0 &&
	    n.family == AF_INET6 && n.len == 128 && in("2001:db8::/64",
	    addr_net_str(&n, buf, sizeof(buf))), "an IPv6 peer: %s", buf);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "198.51.100.9", &sin.sin_addr);
	ok(addr_net_of((struct sockaddr *)&sin, &n) == 0 &&
	    n.family == AF_INET && strcmp(addr_net_str(&n, buf, sizeof(buf)),
	    "198.51.100.9") == 0, "an IPv4 peer");
	sin.sin_family = AF_UNIX;
	ok(addr_net_of((struct sockaddr *)&sin, &n) == -1, "not IP: -1");
	return tap_done();
}
