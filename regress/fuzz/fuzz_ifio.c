/*
 * libFuzzer target for egd's interface framing (egd/engine_ifio.c): the
 * first byte picks how the interface delimits frames (a stream with
 * length prefixes, stdio lines in kbdbg or noL2, one frame per read),
 * the rest arrives on a socketpair in chunks.  Every frame read must fit
 * the MTU, and writing it back out must not fault.
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

#define FUZZ_MTU	200
#define FUZZ_CHUNK	512

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
drain(struct ifio *io, int fd, uint8_t *frame, size_t cap)
{
	size_t	len;
	int	r;

	while ((r = ifio_read(io, fd, frame, cap, &len)) == 1) {
		if (len > io->maxframe)
			abort();
		ifio_write(io, frame, len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		uint8_t	kind, l2mode;
	} modes[] = {
		{ IFIO_STREAM, 0 },
		{ IFIO_STDIO, L2H_KBDBG },
		{ IFIO_STDIO, L2H_NOL2 },
		{ IFIO_STDIO, L2H_NOCHG },
		{ IFIO_SEQPACKET, 0 },
	};
	struct ifio_info	 info;
	struct ifio		 io;
	uint8_t			 frame[FUZZ_MTU + 64];
	size_t			 off, n;
	int			 in[2], out[2], m, type;

	if (size < 1)
		return 0;
	m = data[0] % (sizeof(modes) / sizeof(modes[0]));
	type = modes[m].kind == IFIO_SEQPACKET ? SOCK_SEQPACKET : SOCK_STREAM;
	if (socketpair(AF_UNIX, type, 0, in) == -1)
		return 0;
	if (socketpair(AF_UNIX, type, 0, out) == -1) {
		close(in[0]);
		close(in[1]);
		return 0;
	}
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(out[1], F_SETFL, O_NONBLOCK);
	memset(&info, 0, sizeof(info));
	info.kind = modes[m].kind;
	info.l2mode = modes[m].l2mode;
	info.mtu = FUZZ_MTU;
	memcpy(info.mac, "\x02\x00\x00\x00\x00\x01", 6);
	ifio_init(&io, &info);
	/* A connection answers on itself; stdio writes to the sink. */
	if (info.kind == IFIO_STREAM || info.kind == IFIO_SEQPACKET) {
		ifio_add_conn(&io, in[1], 1);
		close(out[0]);
	} else {
		io.rxfd = in[1];
		io.txfd = out[0];
	}
	for (off = 1; off < size; off += n) {
		n = size - off < FUZZ_CHUNK ? size - off : FUZZ_CHUNK;
		if (write(in[0], data + off, n) != (ssize_t)n)
			break;
		drain(&io, in[1], frame, sizeof(frame));
		/* What went out is not looked at: keep the sink empty. */
		while (read(out[1], frame, sizeof(frame)) > 0)
			;
	}
	close(in[0]);
	drain(&io, in[1], frame, sizeof(frame));
	ifio_free(&io);
	close(out[1]);
	return 0;
}
