/*
 * Config helpers: keys, the checks of string values (endpoints, CIDRs,
 * MAC prefixes, ...), lookups in a parsed config, allocation.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "config_int.h"
#include "util/addrnet.h"

void *
conf_calloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		fatal("calloc");
	return p;
}

void *
conf_reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		fatal("reallocarray");
	}
	if ((p = realloc(p, n * size > 0 ? n * size : 1)) == NULL)
		fatal("reallocarray");
	return p;
}

char *
conf_strdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return p;
}

void
conf_free_str(char *s, int wipe)
{
	if (s == NULL)
		return;
	if (wipe)
		sodium_memzero(s, strlen(s));
	free(s);
}

/*
 * Decodes a WireGuard key: base64 (with padding) of exactly 32 bytes.
 * libsodium's decoder runs in constant time with respect to the data.
 * 0 on success; -1 (and out wiped) otherwise.
 */
int
conf_key_from_base64(const char *s, uint8_t out[EG_KEY_LEN])
{
	size_t		 binlen = 0;
	const char	*end = NULL;
	size_t		 len = strlen(s);

	if (len != sodium_base64_ENCODED_LEN(EG_KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL) - 1)
		return -1;
	if (sodium_base642bin(out, EG_KEY_LEN, s, len, NULL, &binlen, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0 || binlen != EG_KEY_LEN ||
	    end != s + len) {
		sodium_memzero(out, EG_KEY_LEN);
		return -1;
	}
	return 0;
}

void
conf_key_to_base64(const uint8_t key[EG_KEY_LEN], char out[45])
{
	sodium_bin2base64(out, 45, key, EG_KEY_LEN,
	    sodium_base64_VARIANT_ORIGINAL);
}

const char *
conf_iface_type_name(enum iface_type t)
{
	const struct cenum	*e;

	for (e = iface_type_names; e->name != NULL; e++)
		if (e->value == (int)t)
			return e->name;
	return "unknown";
}

const struct conf_edge_peer *
conf_edge_peer_by_id(const struct edge_conf *c, uint16_t id)
{
	size_t	i;

	for (i = 0; i < c->npeers; i++)
		if (c->peers[i].node_id == id)
			return &c->peers[i];
	return NULL;
}

uint16_t
conf_nexthop(const struct conf_nhtable *t, uint16_t src, uint16_t dst)
{
	size_t	lo = 0, hi = t->count, mid;
	uint32_t want = (uint32_t)src << 16 | dst, have;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		have = (uint32_t)t->entries[mid].src << 16 |
		    t->entries[mid].dst;
		if (have == want)
			return t->entries[mid].nexthop;
		if (have < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NODEID_INVALID;
}

static int
conf_nexthop_cmp(const void *a, const void *b)
{
	const struct conf_nexthop	*x = a, *y = b;

	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return (x->dst > y->dst) - (x->dst < y->dst);
}

int
conf_nhtable_add(struct conf_nhtable *t, const void *data, size_t len)
{
	struct conf_nexthop	*e;
	size_t			 n;

	if (len % sizeof(*e) != 0)
		return -1;
	n = len / sizeof(*e);
	if (t->count + n > CONF_NHTABLE_MAX)
		return -1;
	if ((e = reallocarray(t->entries, t->count + n, sizeof(*e))) == NULL)
		return -1;
	memcpy(e + t->count, data, len);
	t->entries = e;
	t->count += n;
	return 0;
}

void
conf_nhtable_sort(struct conf_nhtable *t)
{
	if (t->count > 0)
		qsort(t->entries, t->count, sizeof(*t->entries),
		    conf_nexthop_cmp);
}

int
conf_file_is_exposed(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return -1;
	return (st.st_mode & 077) != 0;
}

/* Decimal without sign in [lo, hi]; -1 if not. */
static long
parse_port_range(const char *s, size_t len, long lo, long hi)
{
	long	v = 0;
	size_t	i;

	if (len == 0 || len > 5)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (v < lo || v > hi) ? -1 : v;
}

/* A DNS name: labels of letters, digits, '-', '_', dot-separated. */
static int
check_dns_name(const char *h, size_t len)
{
	size_t	i, label = 0;

	if (len == 0 || len > 253)
		return -1;
	if (h[len - 1] == '.')
		len--;		/* fully qualified */
	for (i = 0; i < len; i++) {
		if (h[i] == '.') {
			if (label == 0 || h[i - 1] == '-')
				return -1;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '_')
			return -1;
		if (h[i] == '-' && label == 0)
			return -1;
		if (++label > 63)
			return -1;
	}
	if (label == 0 || h[len - 1] == '-')
		return -1;
	return 0;
}

/* A host part: a name, an IPv4 address (a numeric last label). */
static int
check_host(const char *h, size_t len, char *why, size_t wsz)
{
	char		 tmp[256];
	struct in_addr	 a4;
	const char	*last;
	size_t		 i;
	int		 numeric = 1;

	if (len >= sizeof(tmp)) {
		snprintf(why, wsz, "host name too long");
		return -1;
	}
	memcpy(tmp, h, len);
	tmp[len] = '\0';
	last = strrchr(tmp, '.');
	last = last ? last + 1 : tmp;
	if (*last == '\0')
		numeric = 0;
	for (i = 0; last[i] != '\0'; i++)
		if (!isdigit((unsigned char)last[i]))
			numeric = 0;
	if (numeric) {
		if (inet_pton(AF_INET, tmp, &a4) != 1) {
			snprintf(why, wsz, "bad IPv4 address");
			return -1;
		}
		return 0;
	}
	if (check_dns_name(tmp, len) != 0) {
		snprintf(why, wsz, "bad host name");
		return -1;
	}
	return 0;
}

/* "[v6]" with an optional "%zone". */
static int
check_bracketed_v6(const char *s, size_t len, char *why, size_t wsz)
{
	char		 tmp[INET6_ADDRSTRLEN + 1 + 16];
	struct in6_addr	 a6;
	char		*zone;
	size_t		 i;

	if (len < 2 || len - 2 >= sizeof(tmp)) {
		snprintf(why, wsz, "bad IPv6 address");
		return -1;
	}
	memcpy(tmp, s + 1, len - 2);
	tmp[len - 2] = '\0';
	if ((zone = strchr(tmp, '%')) != NULL) {
		*zone++ = '\0';
		if (*zone == '\0' || strlen(zone) > 15) {
			snprintf(why, wsz, "bad IPv6 zone");
			return -1;
		}
		for (i = 0; zone[i] != '\0'; i++)
			if (!isalnum((unsigned char)zone[i]) &&
			    strchr("._-", zone[i]) == NULL) {
				snprintf(why, wsz, "bad IPv6 zone");
				return -1;
			}
	}
	if (inet_pton(AF_INET6, tmp, &a6) != 1) {
		snprintf(why, wsz, "bad IPv6 address");
		return -1;
	}
	return 0;
}

/*
 * host:port, host a DNS name, an IPv4 address or [IPv6], port 1..65535.
 * An empty host (":port") only if allow_empty_host (listen on any).
 */
int
conf_check_endpoint(const char *s, int allow_empty_host, char *why,
    size_t wsz)
{
	const char	*colon;
	size_t		 hlen;

	if ((colon = strrchr(s, ':')) == NULL) {
		snprintf(why, wsz, "not host:port");
		return -1;
	}
	if (parse_port_range(colon + 1, strlen(colon + 1), 1, 65535) < 0) {
		snprintf(why, wsz, "bad port (1..65535)");
		return -1;
	}
	hlen = (size_t)(colon - s);
	if (hlen == 0) {
		if (allow_empty_host)
			return 0;
		snprintf(why, wsz, "no host");
		return -1;
	}
	if (s[0] == '[') {
		if (s[hlen - 1] != ']') {
			snprintf(why, wsz, "bad IPv6 address");
			return -1;
		}
		return check_bracketed_v6(s, hlen, why, wsz);
	}
	if (memchr(s, ':', hlen) != NULL) {
		snprintf(why, wsz, "an IPv6 address must be in brackets");
		return -1;
	}
	return check_host(s, hlen, why, wsz);
}

static int
check_cidr(const char *s, int af, char *why, size_t wsz)
{
	char		 tmp[INET6_ADDRSTRLEN + 1];
	unsigned char	 addr[sizeof(struct in6_addr)];
	const char	*slash;
	size_t		 alen;
	long		 maxlen = af == AF_INET ? 32 : 128;

	if ((slash = strchr(s, '/')) == NULL) {
		snprintf(why, wsz, "not address/prefixlen");
		return -1;
	}
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(tmp)) {
		snprintf(why, wsz, "bad %s address", af == AF_INET ?
		    "IPv4" : "IPv6");
		return -1;
	}
	memcpy(tmp, s, alen);
	tmp[alen] = '\0';
	if (inet_pton(af, tmp, addr) != 1) {
		snprintf(why, wsz, "bad %s address", af == AF_INET ?
		    "IPv4" : "IPv6");
		return -1;
	}
	if (parse_port_range(slash + 1, strlen(slash + 1), 0, maxlen) < 0) {
		snprintf(why, wsz, "bad prefix length (0..%ld)", maxlen);
		return -1;
	}
	return 0;
}

/* "" or 1..6 bytes of 1-2 hex digits separated by ':'. */
int
conf_parse_mac_prefix(const char *s, uint8_t mac[6], int *lenp)
{
	int		 n = 0, digits;
	unsigned int	 v;

	memset(mac, 0, 6);
	*lenp = 0;
	if (*s == '\0')
		return 0;
	for (;;) {
		v = 0;
		for (digits = 0; isxdigit((unsigned char)*s); digits++, s++) {
			if (digits == 2)
				return -1;
			v = v * 16 + (unsigned int)(isdigit((unsigned char)*s) ?
			    *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
		}
		if (digits == 0 || n == 6)
			return -1;
		mac[n++] = (uint8_t)v;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return -1;
	}
	*lenp = n;
	return 0;
}

static int
check_ip(const char *s, int af)
{
	unsigned char	addr[sizeof(struct in6_addr)];

	return inet_pton(af, s, addr) == 1 ? 0 : -1;
}

static int
has_space_or_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Checks a string value of kind sc; 0 if fine, else why says. */
int
conf_check_str(enum strcheck sc, const char *s, char *why, size_t wsz)
{
	struct addr_net	net;
	uint8_t		mac[6];
	int		len;

	switch (sc) {
	case SC_ANY:
		return 0;
	case SC_ENDPOINT_REQ:
		if (*s == '\0') {
			snprintf(why, wsz, "must not be empty");
			return -1;
		}
		return conf_check_endpoint(s, 0, why, wsz);
	case SC_ENDPOINT:
		return *s ? conf_check_endpoint(s, 0, why, wsz) : 0;
	case SC_CIDR4:
		return *s ? check_cidr(s, AF_INET, why, wsz) : 0;
	case SC_NETWORK:
		if (addr_net_parse(s, &net) != 0) {
			snprintf(why, wsz, "not an IPv4 or IPv6 address, with "
			    "or without /prefixlen");
			return -1;
		}
		return 0;
	case SC_CIDR6:
		return *s ? check_cidr(s, AF_INET6, why, wsz) : 0;
	case SC_MACPREFIX:
		if (conf_parse_mac_prefix(s, mac, &len) != 0) {
			snprintf(why, wsz, "not 0 to 6 hex bytes separated "
			    "by ':'");
			return -1;
		}
		if (len > 0 && (mac[0] & 1)) {
			snprintf(why, wsz, "multicast bit set in the first "
			    "byte: MAC addresses must be unicast");
			return -1;
		}
		return 0;
	case SC_IP4:
		if (*s && check_ip(s, AF_INET) != 0) {
			snprintf(why, wsz, "bad IPv4 address");
			return -1;
		}
		return 0;
	case SC_IP6:
		if (*s && check_ip(s, AF_INET6) != 0) {
			snprintf(why, wsz, "bad IPv6 address");
			return -1;
		}
		return 0;
	case SC_IP:
		if (*s && check_ip(s, AF_INET) != 0 &&
		    check_ip(s, AF_INET6) != 0) {
			snprintf(why, wsz, "bad IP address");
			return -1;
		}
		return 0;
	case SC_URL:
		if (*s == '\0')
			return 0;
		if ((strncasecmp(s, "http://", 7) != 0 || s[7] == '\0') &&
		    (strncasecmp(s, "https://", 8) != 0 || s[8] == '\0')) {
			snprintf(why, wsz, "not an http:// or https:// URL");
			return -1;
		}
		if (has_space_or_ctl(s)) {
			snprintf(why, wsz, "URL contains blanks or control "
			    "characters");
			return -1;
		}
		return 0;
	case SC_HTTP_LISTEN:
		if (parse_port_range(s, strlen(s), 1, 65535) >= 0)
			return 0;
		if (*s == ':' && parse_port_range(s + 1, strlen(s + 1), 1,
		    65535) >= 0)
			return 0;
		if (strchr(s, ':') == NULL) {
			snprintf(why, wsz, "not a port (1..65535) or "
			    "host:port");
			return -1;
		}
		return conf_check_endpoint(s, 0, why, wsz);
	case SC_API_PREFIX:
		if (has_space_or_ctl(s) || strpbrk(s, "?#") != NULL) {
			snprintf(why, wsz, "URL path contains blanks, control "
			    "characters, '?' or '#'");
			return -1;
		}
		return 0;
	case SC_NODENAME:
		if (strlen(s) > 32) {
			snprintf(why, wsz, "longer than 32 bytes");
			return -1;
		}
		return 0;
	case SC_HOST:
		if (*s == '\0') {
			snprintf(why, wsz, "must not be empty");
			return -1;
		}
		if (check_ip(s, AF_INET6) == 0)
			return 0;
		if (strchr(s, ':') != NULL)
			return conf_check_endpoint(s, 0, why, wsz);
		return check_host(s, strlen(s), why, wsz);
	}
	snprintf(why, wsz, "unknown check");
	return -1;
}
