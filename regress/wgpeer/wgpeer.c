/*
 * wgpeer: a one-peer WireGuard endpoint for the interop tests, built
 * on common/wg.[ch] (its keys and clock: regress/lib/wgmember.c).  It
 * carries IP packets between a TUN device and a UDP socket with a small
 * poll loop, so that a real WireGuard peer (wireguard-go) can talk to
 * our protocol code.
 *
 * usage: wgpeer -t tun -k privkey-file -p peer-pubkey [-P psk-file]
 *	  -l listen-ip:port [-e endpoint-ip:port] [-i] [-r ms] [-L]
 *	  [-K seconds]
 *   -i  initiate a handshake at start
 *   -r  force a new handshake every ms milliseconds (rekey under flow)
 *   -L  always under load: answer handshakes lacking mac2 with cookies
 *   -K  persistent keepalive interval
 * Events go to stderr; SIGUSR1 prints the counters, SIGTERM/SIGINT
 * print them and exit.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "wg/wg.h"

#include "regress/lib/wgmember.h"

#define MTU_MAX		1500
#define QUEUE_MAX	128
#define PKT_BUF		(WG_SEND_BUFLEN(MTU_MAX))

struct queued {
	size_t	len;
	uint8_t	pt[MTU_MAX];
};

struct state {
	int			 tun;
	int			 udp;
	struct wg_local		*local;
	struct wg_peer		*peer;
	struct sockaddr_in	 endpoint;
	int			 have_endpoint;
	struct queued		 queue[QUEUE_MAX];
	size_t			 qhead, qlen;
};

static volatile sig_atomic_t	quit, dump;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		quit = 1;
}

static void
parse_addr(struct sockaddr_in *sin, const char *s)
{
	char	buf[64], *colon;

	strncpy(buf, s, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	if ((colon = strrchr(buf, ':')) == NULL)
		errx(1, "%s: want ip:port", s);
	*colon = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1)
		errx(1, "%s: bad address", s);
}

static int
tun_open(const char *name)
{
	struct ifreq	ifr;
	int		fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK)) == -1)
		err(1, "/dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		err(1, "TUNSETIFF %s", name);
	return fd;
}

static void
print_stats(struct state *st)
{
	struct wg_stat	s[WG_STATS_MAX];
	size_t		n, i;

	n = wg_peer_stats(st->peer, s, WG_STATS_MAX);
	fprintf(stderr, "stats:");
	for (i = 0; i < n; i++)
		if (s[i].value != 0)
			fprintf(stderr, " %s=%llu", s[i].name,
			    (unsigned long long)s[i].value);
	n = wg_local_stats(st->local, s, WG_STATS_MAX);
	fprintf(stderr, "\nlocal:");
	for (i = 0; i < n; i++)
		if (s[i].value != 0)
			fprintf(stderr, " %s=%llu", s[i].name,
			    (unsigned long long)s[i].value);
	fprintf(stderr, "\n");
	fflush(stderr);
}

static void
udp_send(struct state *st, const struct sockaddr_in *to, const void *buf,
    size_t len)
{
	if (sendto(st->udp, buf, len, 0, (const struct sockaddr *)to,
	    sizeof(*to)) == -1 && errno != EAGAIN)
		warn("sendto");
}

static void	handle(struct state *, struct wg_time, struct wg_result *,
		    const struct sockaddr_in *);

/* Encrypts and sends one plaintext packet, queueing it without session. */
static void
send_packet(struct state *st, struct wg_time now, const uint8_t *pt,
    size_t len, int requeue_front)
{
	struct wg_result	 res;
	uint8_t			 buf[PKT_BUF];
	struct queued		*q;

	memcpy(buf + WG_TRANSPORT_HEADER, pt, len);
	switch (wg_send(st->peer, now, buf, len, sizeof(buf), &res)) {
	case WG_TX_OK:
		if (st->have_endpoint)
			udp_send(st, &st->endpoint, buf, res.wire_len);
		break;
	case WG_TX_NEED_HANDSHAKE:
		if (st->qlen == QUEUE_MAX) {
			st->qhead = (st->qhead + 1) % QUEUE_MAX;
			st->qlen--;
		}
		if (requeue_front) {
			st->qhead = (st->qhead + QUEUE_MAX - 1) % QUEUE_MAX;
			q = &st->queue[st->qhead];
		} else
			q = &st->queue[(st->qhead + st->qlen) % QUEUE_MAX];
		st->qlen++;
		q->len = len;
		memcpy(q->pt, pt, len);
		break;
	case WG_TX_ERROR:
		warnx("send: %s", wg_drop_name(res.drop));
		break;
	}
	handle(st, now, &res, NULL);
}

/* Sends the queued packets, or a keepalive when asked and none wait. */
static void
flush(struct state *st, struct wg_time now, int keepalive)
{
	struct queued	q;
	size_t		n = st->qlen;

	if (n == 0 && keepalive) {
		send_packet(st, now, NULL, 0, 0);
		return;
	}
	while (n-- > 0 && st->qlen > 0 && wg_peer_has_session(st->peer, now)) {
		q = st->queue[st->qhead];
		st->qhead = (st->qhead + 1) % QUEUE_MAX;
		st->qlen--;
		send_packet(st, now, q.pt, q.len, 1);
	}
}

static void
handle(struct state *st, struct wg_time now, struct wg_result *res,
    const struct sockaddr_in *src)
{
	const struct sockaddr_in	*to;

	if ((res->events & WG_EV_ENDPOINT) && src != NULL) {
		st->endpoint = *src;
		st->have_endpoint = 1;
	}
	if (res->msg_len > 0) {
		to = src != NULL ? src : (st->have_endpoint ? &st->endpoint :
		    NULL);
		if (to != NULL)
			udp_send(st, to, res->msg, res->msg_len);
	}
	if (res->events & WG_EV_SESSION_INITIATOR)
		fprintf(stderr, "event: session established (initiator)\n");
	if (res->events & WG_EV_SESSION_RESPONDER)
		fprintf(stderr, "event: session established (responder)\n");
	if (res->events & WG_EV_GAVE_UP) {
		fprintf(stderr, "event: handshake given up\n");
		st->qlen = 0;
	}
	if (res->events & WG_EV_KEYS_ZEROED)
		fprintf(stderr, "event: keys zeroed\n");
	if (res->events & (WG_EV_FLUSH | WG_EV_KEEPALIVE))
		flush(st, now, (res->events & WG_EV_KEEPALIVE) != 0);
}

/* IP packet length from its header, to strip WireGuard's padding. */
static size_t
ip_len(const uint8_t *p, size_t len)
{
	size_t	n;

	if (len >= 20 && (p[0] >> 4) == 4)
		n = (size_t)p[2] << 8 | p[3];
	else if (len >= 40 && (p[0] >> 4) == 6)
		n = ((size_t)p[4] << 8 | p[5]) + 40;
	else
		return 0;
	return n <= len ? n : 0;
}

static void
on_udp(struct state *st)
{
	struct sockaddr_in	 from;
	socklen_t		 fromlen = sizeof(from);
	struct wg_result	 res;
	struct wg_addr		 src;
	struct wg_time		 now;
	uint8_t			 buf[65536];
	ssize_t			 n;
	size_t			 len;

	while ((n = recvfrom(st->udp, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &fromlen)) >= 0) {
		now = wgm_now();
		if (wg_addr_from_sockaddr(&src, (struct sockaddr *)&from) != 0)
			continue;
		if (wg_receive(st->local, now, &src, buf, (size_t)n, &res) ==
		    WG_RX_DATA) {
			if ((len = ip_len(res.data, res.data_len)) > 0 &&
			    write(st->tun, res.data, len) == -1)
				warn("tun write");
		}
		handle(st, now, &res, &from);
		fromlen = sizeof(from);
	}
}

static void
on_tun(struct state *st)
{
	uint8_t	pkt[MTU_MAX];
	ssize_t	n;

	while ((n = read(st->tun, pkt, sizeof(pkt))) > 0)
		send_packet(st, wgm_now(), pkt, (size_t)n, 0);
}

static void
usage(void)
{
	fprintf(stderr, "usage: wgpeer -t tun -k privkey-file -p peer-pubkey "
	    "[-P psk-file] -l ip:port\n\t[-e ip:port] [-i] [-r ms] [-L] "
	    "[-K seconds]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct state	 st;
	struct sockaddr_in	 listen_addr;
	struct wg_result	 res;
	struct wg_time		 now;
	struct pollfd		 pfd[2];
	uint8_t			 priv[WG_KEY_LEN], pub[WG_KEY_LEN];
	uint8_t			 psk[WG_KEY_LEN];
	const char		*tun = NULL, *keyf = NULL, *pubs = NULL;
	const char		*pskf = NULL, *listen_s = NULL;
	uint64_t		 rekey_ns = 0, next_rekey = UINT64_MAX;
	uint64_t		 deadline, wait;
	unsigned int		 keepalive = 0;
	int			 ch, initiate = 0, under_load = 0, bufsz;

	while ((ch = getopt(argc, argv, "e:iK:k:Ll:P:p:r:t:")) != -1) {
		switch (ch) {
		case 'e':
			parse_addr(&st.endpoint, optarg);
			st.have_endpoint = 1;
			break;
		case 'i':
			initiate = 1;
			break;
		case 'K':
			keepalive = (unsigned int)atoi(optarg);
			break;
		case 'k':
			keyf = optarg;
			break;
		case 'L':
			under_load = 1;
			break;
		case 'l':
			listen_s = optarg;
			break;
		case 'P':
			pskf = optarg;
			break;
		case 'p':
			pubs = optarg;
			break;
		case 'r':
			rekey_ns = (uint64_t)atoi(optarg) * 1000000ULL;
			break;
		case 't':
			tun = optarg;
			break;
		default:
			usage();
		}
	}
	if (tun == NULL || keyf == NULL || pubs == NULL || listen_s == NULL)
		usage();
	if (sodium_init() < 0)
		errx(1, "sodium_init");
	wgm_key_file(priv, keyf, 1);
	wgm_key_decode(pub, pubs, "peer public key", 1);
	if (pskf != NULL)
		wgm_key_file(psk, pskf, 1);

	st.tun = tun_open(tun);
	parse_addr(&listen_addr, listen_s);
	if ((st.udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		err(1, "socket");
	bufsz = 4 << 20;
	setsockopt(st.udp, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	setsockopt(st.udp, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	if (bind(st.udp, (struct sockaddr *)&listen_addr,
	    sizeof(listen_addr)) == -1)
		err(1, "bind %s", listen_s);

	if ((st.local = wg_local_new(priv, NULL, NULL)) == NULL)
		err(1, "wg_local_new");
	sodium_memzero(priv, sizeof(priv));
	if ((st.peer = wg_peer_new(st.local, pub, pskf != NULL ? psk : NULL,
	    NULL)) == NULL)
		err(1, "wg_peer_new");
	sodium_memzero(psk, sizeof(psk));
	wg_local_set_under_load(st.local, under_load);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGUSR1, on_signal);

	now = wgm_now();
	if (keepalive > 0)
		wg_peer_set_keepalive(st.peer, now, keepalive);
	if (initiate && wg_peer_initiate(st.peer, now, 0, &res) == 0)
		handle(&st, now, &res, NULL);
	if (rekey_ns > 0)
		next_rekey = now.mono + rekey_ns;
	fprintf(stderr, "ready\n");

	pfd[0].fd = st.tun;
	pfd[0].events = POLLIN;
	pfd[1].fd = st.udp;
	pfd[1].events = POLLIN;
	while (!quit) {
		if (dump) {
			dump = 0;
			print_stats(&st);
		}
		now = wgm_now();
		deadline = wg_peer_next_deadline(st.peer);
		if (next_rekey < deadline)
			deadline = next_rekey;
		wait = deadline > now.mono ? deadline - now.mono : 0;
		if (wait > 1000 * 1000000ULL)
			wait = 1000 * 1000000ULL;
		if (poll(pfd, 2, (int)((wait + 999999) / 1000000)) == -1 &&
		    errno != EINTR)
			err(1, "poll");
		if (pfd[0].revents & POLLIN)
			on_tun(&st);
		if (pfd[1].revents & POLLIN)
			on_udp(&st);
		now = wgm_now();
		if (wg_peer_next_deadline(st.peer) <= now.mono) {
			wg_peer_tick(st.peer, now, &res);
			handle(&st, now, &res, NULL);
		}
		if (now.mono >= next_rekey) {
			if (wg_peer_initiate(st.peer, now, 1, &res) == 0)
				fprintf(stderr, "event: forced rekey\n");
			handle(&st, now, &res, NULL);
			next_rekey = now.mono + rekey_ns;
		}
	}
	print_stats(&st);
	wg_local_free(st.local);
	return 0;
}
