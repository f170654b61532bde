/*
 * The WireGuard side of the member test tools (wgmember.h): one
 * initiator on common/wg, its socket, its handshake and receive loop,
 * and the command-line helpers.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "wg/wg.h"

#include "regress/lib/wgmember.h"

struct wg_time
wgm_now(void)
{
	struct timespec	m, w;
	struct wg_time	t;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &w);
	t.mono = (uint64_t)m.tv_sec * WG_SEC + (uint64_t)m.tv_nsec;
	t.wall = (uint64_t)w.tv_sec * WG_SEC + (uint64_t)w.tv_nsec;
	return t;
}

/* A base64 key up to the first blank; exits eval if it is none. */
void
wgm_key_decode(uint8_t key[WG_KEY_LEN], const char *b64, const char *what,
    int eval)
{
	char	buf[128];
	size_t	len;

	snprintf(buf, sizeof(buf), "%s", b64);
	buf[strcspn(buf, " \t\r\n")] = '\0';
	if (sodium_base642bin(key, WG_KEY_LEN, buf, strlen(buf), NULL, &len,
	    NULL, sodium_base64_VARIANT_ORIGINAL) != 0 || len != WG_KEY_LEN)
		errx(eval, "%s: not a base64 32-byte key", what);
	sodium_memzero(buf, sizeof(buf));
}

/* The key on the first line of path, as wg(8) writes it. */
void
wgm_key_file(uint8_t key[WG_KEY_LEN], const char *path, int eval)
{
	FILE	*f;
	char	 line[128];

	if ((f = fopen(path, "r")) == NULL)
		err(eval, "%s", path);
	if (fgets(line, sizeof(line), f) == NULL)
		errx(eval, "%s: empty", path);
	fclose(f);
	wgm_key_decode(key, line, path, eval);
	sodium_memzero(line, sizeof(line));
}

/* A decimal of the option what, up to max. */
unsigned long
wgm_number(const char *s, unsigned long max, const char *what)
{
	unsigned long	 v;
	char		*end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > max)
		errx(2, "%s: %s: a number up to %lu", what, s, max);
	return v;
}

/* A numeric host and port: the tests name no host. */
struct addrinfo *
wgm_resolve(const char *host, const char *port)
{
	struct addrinfo	 hints, *ai;
	int		 rv;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((rv = getaddrinfo(host, port, &hints, &ai)) != 0)
		errx(2, "%s %s: %s", host, port, gai_strerror(rv));
	return ai;
}

static int
wgm_arg(struct wgm_args *a, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		a->count = wgm_number(arg, ULONG_MAX, "-c");
		break;
	case 'd':
		a->secs = wgm_number(arg, 3600, "-d");
		break;
	case 'i':
		a->interval = wgm_number(arg, 10000000, "-i");
		break;
	case 'k':
		a->keyfile = arg;
		break;
	case 'n':
		a->me = (uint16_t)wgm_number(arg, NODEID_MAX_VALID, "-n");
		a->have_me = 1;
		break;
	case 'p':
		a->peerkey = arg;
		break;
	case 's':
		a->src = (uint16_t)wgm_number(arg, NODEID_MAX_VALID, "-s");
		a->have_src = 1;
		break;
	case 't':
		a->ttl = (uint8_t)wgm_number(arg, 255, "-t");
		break;
	default:
		return 0;
	}
	return 1;
}

char **
wgm_args_parse(struct wgm_args *a, int argc, char *argv[],
    const char *optstring, int nargs, wgm_opt_fn tool_opt, void *arg,
    void (*usage)(void))
{
	int	ch;

	while ((ch = getopt(argc, argv, optstring)) != -1)
		if (!tool_opt(arg, ch, optarg) && !wgm_arg(a, ch, optarg))
			usage();
	if (argc - optind != nargs || a->keyfile == NULL ||
	    a->peerkey == NULL || !a->have_me)
		usage();
	return argv + optind;
}

void
wgm_open(struct wgm *m, const struct wgm_args *a, const char *host,
    const char *port)
{
	struct addrinfo	*ai;
	uint8_t		 priv[WG_KEY_LEN], pub[WG_KEY_LEN];
	int		 bufsz;

	if (sodium_init() == -1)
		errx(1, "sodium_init");
	wgm_key_file(priv, a->keyfile, 2);
	wgm_key_decode(pub, a->peerkey, "-p", 2);

	memset(m, 0, sizeof(*m));
	ai = wgm_resolve(host, port);
	memcpy(&m->to, ai->ai_addr, ai->ai_addrlen);
	m->tolen = ai->ai_addrlen;
	if ((m->s = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK, 0)) ==
	    -1)
		err(1, "socket");
	freeaddrinfo(ai);
	/* egd's floods come back to us while we flood: keep up with them. */
	bufsz = 4 << 20;
	setsockopt(m->s, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if ((m->local = wg_local_new(priv, NULL, NULL)) == NULL)
		err(1, "wg_local_new");
	sodium_memzero(priv, sizeof(priv));
	if ((m->peer = wg_peer_new(m->local, pub, NULL, NULL)) == NULL)
		err(1, "wg_peer_new");
}

void
wgm_close(struct wgm *m)
{
	wg_local_free(m->local);
	close(m->s);
}

static void
wgm_udp_send(struct wgm *m, const uint8_t *buf, size_t len)
{
	struct pollfd	pfd;

	/* Not connected: an ICMP error must not fail the next send. */
	while (sendto(m->s, buf, len, 0, (struct sockaddr *)&m->to,
	    m->tolen) == -1) {
		if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
			m->errors++;
			return;
		}
		pfd.fd = m->s;
		pfd.events = POLLOUT;
		poll(&pfd, 1, 1);
	}
}

/* What a call of common/wg asks for: a message to send, a session. */
static void
wgm_handle(struct wgm *m, const struct wg_result *res)
{
	if (res->msg_len > 0)
		wgm_udp_send(m, res->msg, res->msg_len);
	if (res->events & WG_EV_SESSION_INITIATOR)
		m->up = 1;
	if (res->events & (WG_EV_GAVE_UP | WG_EV_KEYS_ZEROED))
		m->up = 0;
}

int
wgm_send(struct wgm *m, uint8_t *buf, size_t len, size_t cap)
{
	struct wg_result	res;
	int			rc = 0;

	switch (wg_send(m->peer, wgm_now(), buf, len, cap, &res)) {
	case WG_TX_OK:
		wgm_udp_send(m, buf, res.wire_len);
		rc = 1;
		break;
	case WG_TX_NEED_HANDSHAKE:
		m->up = 0;
		break;
	case WG_TX_ERROR:
		errx(1, "send: %s", wg_drop_name(res.drop));
	}
	wgm_handle(m, &res);
	return rc;
}

void
wgm_drain(struct wgm *m)
{
	struct sockaddr_storage	 from;
	socklen_t		 fromlen = sizeof(from);
	struct wg_result	 res;
	struct wg_addr		 src;
	struct wg_time		 now;
	uint8_t			 buf[65536];
	ssize_t			 n;

	while ((n = recvfrom(m->s, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fromlen)) >= 0) {
		fromlen = sizeof(from);
		if (wg_addr_from_sockaddr(&src, (struct sockaddr *)&from) != 0)
			continue;
		if (wg_receive(m->local, wgm_now(), &src, buf, (size_t)n,
		    &res) == WG_RX_DATA) {
			/* Our answers first: on_data may send on the session. */
			wgm_handle(m, &res);
			if (m->on_data != NULL)
				m->on_data(m->on_data_arg, res.data,
				    res.data_len);
			continue;
		}
		wgm_handle(m, &res);
	}
	now = wgm_now();
	if (wg_peer_next_deadline(m->peer) <= now.mono) {
		wg_peer_tick(m->peer, now, &res);
		wgm_handle(m, &res);
	}
}

void
wgm_wait(struct wgm *m, int ms)
{
	struct pollfd	pfd;

	pfd.fd = m->s;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
		err(1, "poll");
	wgm_drain(m);
}

int
wgm_handshake(struct wgm *m)
{
	struct wg_result	res;
	struct wg_time		now = wgm_now();
	uint64_t		end = now.mono + WGM_HANDSHAKE_WAIT, next = 0;

	while (!m->up && now.mono < end) {
		if (now.mono >= next) {
			if (wg_peer_initiate(m->peer, now, 1, &res) == 0)
				wgm_handle(m, &res);
			next = now.mono + WG_SEC;
		}
		wgm_wait(m, 50);
		now = wgm_now();
	}
	return m->up;
}
