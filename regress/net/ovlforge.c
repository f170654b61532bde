/*
 * ovlforge: a member of a static-mode network that lies in the frames
 * it sends.  It holds a member's private key, makes a WireGuard session
 * with one egd (as the initiator, on common/wg: regress/lib/wgmember.c)
 * and sends it overlay frames (usage 0) with the source NodeID, the
 * destination NodeID and the TTL it is told, the Ethernet frame inside
 * from dstmac to srcmac (EtherType 0x88b5, local experimental).
 *
 * usage: ovlforge -k privkey-file -p peer-pubkey -n nodeid [-c count]
 *	  [-d seconds] [-i usec] [-s src] [-D dst] [-t ttl] [-e dstmac]
 *	  [-E srcmac] [-R] [-r] host port
 * -s the header's source NodeID (default: ours, -n), -D its destination
 * (default 65535, broadcast), -t its TTL (255), -c frames to send (1),
 * -i microseconds between them (0: as fast as possible; 1000), -e and -E
 * the Ethernet destination (ff:ff:ff:ff:ff:ff) and source
 * (02:00:00:00:00:01) addresses, -R a random source address per frame
 * (a MAC flood), -r reflect: every frame egd sends us goes back to it
 * at once with its TTL reset to -t, as a member that keeps a frame
 * looping would, until -d seconds (default 3) have passed.
 * Prints "sent=N received=M reflected=R session=up|lost"; exits 1 if no
 * session came up.
 */
#include <sys/types.h>

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config/config.h"
#include "overlay/overlay.h"
#include "wg/wg.h"

#include "regress/lib/wgmember.h"

#define FRAME_LEN	64
#define PLAIN_MAX	2048
#define PKT_BUF		(WG_SEND_BUFLEN(PLAIN_MAX))

struct forge {
	struct wgm	 m;
	int		 reflect;	/* -r */
	uint8_t		 ttl;
	unsigned long	 received;	/* frames egd sent us */
	unsigned long	 reflected;
};

/* ovlforge's own options; -s, -t and the others are struct wgm_args'. */
struct forge_opts {
	struct forge	*f;
	uint16_t	 dst;		/* -D */
	uint8_t		 dmac[6];	/* -e */
	uint8_t		 smac[6];	/* -E */
	int		 randmac;	/* -R */
};

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: ovlforge -k privkey-file -p peer-pubkey "
	    "-n nodeid [-c count] [-d seconds]\n\t[-i usec] [-s src] "
	    "[-D dst] [-t ttl] [-e dstmac] [-E srcmac] [-R] [-r]\n\t"
	    "host port\n");
	exit(2);
}

static void
mac_parse(uint8_t mac[6], const char *s, const char *what)
{
	unsigned int	b[6];
	int		i, n;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%n", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5], &n) != 6 || s[n] != '\0')
		errx(2, "%s: %s: not a MAC address", what, s);
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			errx(2, "%s: %s: not a MAC address", what, s);
		mac[i] = (uint8_t)b[i];
	}
}

static int
forge_opt(void *arg, int ch, const char *optarg)
{
	struct forge_opts	*fo = arg;

	switch (ch) {
	case 'D':
		fo->dst = (uint16_t)wgm_number(optarg, 65535, "-D");
		break;
	case 'E':
		mac_parse(fo->smac, optarg, "-E");
		break;
	case 'e':
		mac_parse(fo->dmac, optarg, "-e");
		break;
	case 'R':
		fo->randmac = 1;
		break;
	case 'r':
		fo->f->reflect = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* A frame egd passed us: counted, and sent back with a fresh TTL. */
static void
frame_back(void *arg, const uint8_t *data, size_t len)
{
	struct forge	*f = arg;
	struct ovl_hdr	 h;
	uint8_t		 buf[PKT_BUF];

	if (ovl_parse(data, len, &h) != OVL_OK || h.usage != OVL_FRAME)
		return;
	f->received++;
	if (!f->reflect || OVL_HDR_LEN + (size_t)h.len > PLAIN_MAX)
		return;
	h.ttl = f->ttl;
	memcpy(buf + WG_TRANSPORT_HEADER, data, OVL_HDR_LEN + h.len);
	ovl_write(buf + WG_TRANSPORT_HEADER, &h);
	if (wgm_send(&f->m, buf, OVL_HDR_LEN + h.len, sizeof(buf)))
		f->reflected++;
}

int
main(int argc, char *argv[])
{
	struct forge		 f;
	struct forge_opts	 fo = {
		.f = &f,
		.dst = NODEID_BROADCAST,
		.dmac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		.smac = { 2, 0, 0, 0, 0, 1 },
	};
	struct wgm_args		 a = {
		.count = 1, .interval = 1000, .secs = 3, .ttl = 255
	};
	struct ovl_hdr		 h;
	uint8_t			 buf[PKT_BUF], *plain, *eth;
	unsigned long		 sent = 0;
	uint64_t		 next, stop;

	memset(&f, 0, sizeof(f));
	argv = wgm_args_parse(&a, argc, argv, "c:D:d:E:e:i:k:n:p:Rrs:t:", 2,
	    forge_opt, &fo, usage);
	f.ttl = a.ttl;
	wgm_open(&f.m, &a, argv[0], argv[1]);
	f.m.on_data = frame_back;
	f.m.on_data_arg = &f;
	if (!wgm_handshake(&f.m)) {
		printf("sent=0 error=no-session\n");
		return 1;
	}

	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = OVL_FRAME;
	h.ttl = f.ttl;
	h.dst = fo.dst;
	h.src = a.have_src ? a.src : a.me;
	h.len = FRAME_LEN;
	next = wgm_now().mono;
	stop = next + a.secs * WG_SEC;
	while (sent < a.count) {
		if (a.interval > 0 && wgm_now().mono < next) {
			wgm_wait(&f.m, (int)((next - wgm_now().mono) /
			    1000000));
			continue;
		}
		if (a.interval > 0 || sent % 64 == 0)
			wgm_drain(&f.m);
		if (!f.m.up && !wgm_handshake(&f.m))
			break;
		plain = buf + WG_TRANSPORT_HEADER;
		eth = plain + OVL_HDR_LEN;
		memset(eth, 0, FRAME_LEN);
		memcpy(eth, fo.dmac, 6);
		memcpy(eth + 6, fo.smac, 6);
		if (fo.randmac) {
			randombytes_buf(eth + 7, 5);
			eth[6] = 0x06;	/* unicast, locally administered */
		}
		eth[12] = 0x88;
		eth[13] = 0xb5;
		ovl_write(plain, &h);
		if (wgm_send(&f.m, buf, OVL_HDR_LEN + FRAME_LEN, sizeof(buf)))
			sent++;
		next += a.interval * 1000ULL;
	}
	/* What egd passes back (and, reflecting, what loops) until -d. */
	do
		wgm_wait(&f.m, 20);
	while (f.reflect && wgm_now().mono < stop);
	wgm_wait(&f.m, 200);
	printf("sent=%lu received=%lu reflected=%lu errors=%lu session=%s\n",
	    sent, f.received, f.reflected, f.m.errors,
	    f.m.up ? "up" : "lost");
	wgm_close(&f.m);
	return 0;
}
