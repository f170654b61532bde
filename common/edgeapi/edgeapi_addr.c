/*
 * Endpoints and names as the EdgeAPI documents carry them: see
 * edgeapi_json.h.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "edgeapi_json.h"
#include "util/addr.h"

/* "1".."65535", digits only, no leading zero. */
static int
port_parse(const char *s, in_port_t *port)
{
	size_t		 i, len = strlen(s);
	unsigned long	 v = 0;

	if (len == 0 || len > 5 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = htons((uint16_t)v);
	return 0;
}

int
edgeapi_endpoint_parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[INET6_ADDRSTRLEN];
	const char		*end;
	size_t			 hlen;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			return -1;
		hlen = (size_t)(end - s - 1);
		if (hlen == 0 || hlen >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1 ||
		    port_parse(end + 2, &sin6->sin6_port) == -1)
			return -1;
		sin6->sin6_family = AF_INET6;
		return 0;
	}
	if ((end = strchr(s, ':')) == NULL)
		return -1;
	hlen = (size_t)(end - s);
	if (hlen == 0 || hlen >= INET_ADDRSTRLEN)
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1 ||
	    port_parse(end + 1, &sin->sin_port) == -1)
		return -1;
	sin->sin_family = AF_INET;
	return 0;
}

void
edgeapi_endpoint_str(const struct sockaddr_storage *ss, char *buf,
    size_t len)
{
	sockaddr_str((const struct sockaddr *)ss, buf, len);
}

int
edgeapi_endpoint_usable(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 =
	    (const struct sockaddr_in6 *)ss;
	uint32_t			 a;

	switch (ss->ss_family) {
	case AF_INET:
		a = ntohl(sin->sin_addr.s_addr);
		return sin->sin_port != 0 && (a >> 24) != 0 &&
		    (a >> 24) != IN_LOOPBACKNET && !IN_MULTICAST(a) &&
		    a != INADDR_BROADCAST;
	case AF_INET6:
		return sin6->sin6_port != 0 &&
		    !IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr) &&
		    !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) &&
		    !IN6_IS_ADDR_MULTICAST(&sin6->sin6_addr) &&
		    !IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) &&
		    !IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr);
	default:
		return 0;
	}
}

/*
 * Length of the UTF-8 character at s (at most len bytes), or 0 if it is
 * malformed, overlong, a surrogate or beyond U+10FFFF.  *cp gets it.
 */
static size_t
utf8_char(const unsigned char *s, size_t len, unsigned int *cp)
{
	size_t		n, i;
	unsigned int	c = s[0], min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static int
is_control(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

int
edgeapi_name_valid(const char *name, size_t len)
{
	const unsigned char	*s = (const unsigned char *)name;
	unsigned int		 cp;
	size_t			 i, n;

	if (len > SUPER_NAME_LEN - 1)
		return 0;
	for (i = 0; i < len; i += n)
		if ((n = utf8_char(s + i, len - i, &cp)) == 0 ||
		    is_control(cp))
			return 0;
	return 1;
}

void
edgeapi_name_copy(char dst[SUPER_NAME_LEN], const char *src)
{
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 len = strlen(src), i = 0, o = 0, n;
	unsigned int		 cp;

	while (i < len) {
		n = utf8_char(s + i, len - i, &cp);
		if (n == 0 || is_control(cp)) {
			/* One '?' per bad byte or control character. */
			if (o + 1 > SUPER_NAME_LEN - 1)
				break;
			dst[o++] = '?';
			i += n == 0 ? 1 : n;
			continue;
		}
		if (o + n > SUPER_NAME_LEN - 1)
			break;
		memcpy(dst + o, s + i, n);
		o += n;
		i += n;
	}
	dst[o] = '\0';
}
