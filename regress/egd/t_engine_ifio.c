/*
 * Frame I/O of egd's interfaces (egd/engine_ifio.c, from libegd).  A stream connection whose socket is
 * full takes part of a frame: the rest must go first, later frames wait
 * or are dropped and counted, the stream must stay framed, and the
 * connection must stay up.  Also: frames over the MTU on a datagram
 * descriptor read with read() are counted, never delivered cut short.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "egd/engine_ifio.h"
#include "util/log.h"

#include "regress/lib/tap.h"

#define MTU		9000
#define FRAME		(MTU + 14)
#define NFRAMES		64

static void
fill(uint8_t *f, size_t len, unsigned int seq)
{
	size_t	i;

	for (i = 0; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Reads what the peer has into buf at *have; returns bytes read. */
static size_t
drain(int fd, uint8_t *buf, size_t cap, size_t *have)
{
	ssize_t	r;
	size_t	got = 0;

	while (*have < cap && (r = read(fd, buf + *have, cap - *have)) > 0) {
		*have += r;
		got += r;
	}
	return got;
}

static void
test_stream_partial(void)
{
	struct ifio_info	 info;
	struct ifio		 io;
	uint8_t			 frame[FRAME], want[FRAME], *rx;
	size_t			 cap = (size_t)NFRAMES * (FRAME + 2), have = 0;
	size_t			 off, flen;
	unsigned int		 seq, accepted[NFRAMES], nacc = 0, i;
	int			 sp[2], sz = 4096, partial = 0, dropped = 0;
	int			 framed = 1;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == -1 ||
	    (rx = malloc(cap)) == NULL) {
		ok(0, "socketpair");
		return;
	}
	/* Small buffers: a frame is cut where the socket is full. */
	setsockopt(sp[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sp[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	nonblock(sp[0]);
	nonblock(sp[1]);
	memset(&info, 0, sizeof(info));
	info.kind = IFIO_STREAM;
	info.mtu = MTU;
	ifio_init(&io, &info);
	ifio_add_conn(&io, sp[0], 1);

	/* Write until full, read some, write again: many times over. */
	for (seq = 0; seq < NFRAMES; seq++) {
		fill(frame, FRAME, seq);
		if (ifio_write(&io, frame, FRAME) == 0)
			accepted[nacc++] = seq;
		else
			dropped++;
		if (io.conns[1].outlen > 0)
			partial++;
		if (seq % 4 == 3) {
			drain(sp[1], rx, cap, &have);
			ifio_flush(&io, sp[0]);
		}
	}
	while (io.conns[1].outlen > 0) {
		if (drain(sp[1], rx, cap, &have) == 0 && have == cap)
			break;
		ifio_flush(&io, sp[0]);
	}
	drain(sp[1], rx, cap, &have);

	ok(partial > 0, "the full socket took part of a frame (%d times)",
	    partial);
	ok(dropped > 0 && io.tx_errors == (uint64_t)dropped,
	    "frames that found it busy were dropped and counted (%d)",
	    dropped);
	ok(io.conns[1].fd == sp[0], "the connection stayed up");
	for (i = 0, off = 0; i < nacc; i++) {
		if (have - off < 2) {
			framed = 0;
			break;
		}
		flen = (size_t)rx[off] << 8 | rx[off + 1];
		fill(want, FRAME, accepted[i]);
		if (flen != FRAME || have - off - 2 < flen ||
		    memcmp(rx + off + 2, want, FRAME) != 0) {
			framed = 0;
			break;
		}
		off += 2 + flen;
	}
	ok(framed && off == have,
	    "all %u frames taken arrived whole and in order (%zu bytes)",
	    nacc, have);
	ifio_free(&io);
	close(sp[1]);
	free(rx);
}

/* fd over a datagram socketpair: read() cannot tell a frame was cut. */
static void
test_fd_over_mtu(void)
{
	struct ifio_info	 info;
	struct ifio		 io;
	uint8_t			 frame[2048], buf[2048];
	size_t			 len = 0;
	int			 sp[2], r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) == -1) {
		ok(0, "socketpair");
		return;
	}
	nonblock(sp[1]);
	memset(&info, 0, sizeof(info));
	info.kind = IFIO_FD;
	info.mtu = 1400;
	ifio_init(&io, &info);
	io.rxfd = sp[1];
	memset(frame, 0xab, sizeof(frame));
	/* 1415 bytes: one more than MTU + header; then one that fits. */
	if (write(sp[0], frame, 1415) != 1415 ||
	    write(sp[0], frame, 1414) != 1414) {
		ok(0, "write to the socketpair");
		return;
	}
	r = ifio_read(&io, sp[1], buf, sizeof(buf), &len);
	ok(r == 1 && len == 1414 && io.rx_truncated == 1,
	    "fd: a frame one byte over the MTU is counted, the next read whole"
	    " (r %d, len %zu, counted %llu)", r, len,
	    (unsigned long long)io.rx_truncated);
	r = ifio_read(&io, sp[1], buf, sizeof(buf), &len);
	ok(r == 0, "fd: then nothing more");
	ifio_free(&io);
	close(sp[0]);
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	test_stream_partial();
	test_fd_over_mtu();
	return tap_done();
}
