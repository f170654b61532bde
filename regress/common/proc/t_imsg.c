/*
 * imsg: round trips, descriptor passing, partial reads and writes,
 * malformed and oversized frames.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/imsg.h"
#include "regress/lib/tap.h"

static void
pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		perror("socketpair");
		exit(1);
	}
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
}

/* Read until one message is complete (or error). */
static int
get_one(struct imsgbuf *ib, struct imsg *imsg)
{
	struct pollfd	pfd = { ib->fd, POLLIN, 0 };
	int		r;

	for (;;) {
		if ((r = imsg_get(ib, imsg)) != 0)
			return r;
		if (poll(&pfd, 1, 2000) != 1)
			return -2;
		if (imsgbuf_read(ib) <= 0 && errno != EAGAIN)
			return -3;
	}
}

static void
test_roundtrip(void)
{
	struct imsgbuf	a, b;
	struct imsg	imsg;
	char		big[5000];
	int		sv[2], i, good = 1;

	pair(sv);
	imsgbuf_init(&a, sv[0]);
	imsgbuf_init(&b, sv[1]);
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (char)(i * 7);
	ok(imsg_compose(&a, 10, 77, 1234, -1, "hello", 5) == 0,
	    "compose small");
	ok(imsg_compose(&a, 11, 0, 0, -1, NULL, 0) == 0, "compose empty");
	ok(imsg_compose(&a, 12, 1, 0, -1, big, sizeof(big)) == 0,
	    "compose 5000 bytes");
	ok(imsgbuf_flush(&a) == 0 && imsgbuf_queued(&a) == 0, "flush");

	ok(get_one(&b, &imsg) == 1 && imsg.hdr.type == 10 &&
	    imsg.hdr.peerid == 77 && imsg.hdr.pid == 1234 &&
	    imsg.datalen == 5 && memcmp(imsg.data, "hello", 5) == 0 &&
	    imsg.fd == -1, "small message intact");
	imsg_free(&imsg);
	ok(get_one(&b, &imsg) == 1 && imsg.hdr.type == 11 &&
	    imsg.datalen == 0 && imsg.hdr.pid == (uint32_t)getpid(),
	    "empty message, pid stamped");
	imsg_free(&imsg);
	if (get_one(&b, &imsg) != 1 || imsg.hdr.type != 12 ||
	    imsg.datalen != sizeof(big) ||
	    memcmp(imsg.data, big, sizeof(big)) != 0)
		good = 0;
	ok(good, "5000-byte message intact");
	imsg_free(&imsg);

	close(sv[0]);
	ok(imsgbuf_read(&b) == 0, "EOF reads as 0");
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[1]);
}

static void
test_fds(void)
{
	struct imsgbuf	a, b;
	struct imsg	imsg;
	int		sv[2], p1[2], p2[2], r;
	char		buf[16];

	pair(sv);
	imsgbuf_init(&a, sv[0]);
	imsgbuf_init(&b, sv[1]);
	if (pipe(p1) == -1 || pipe(p2) == -1)
		exit(1);
	/* fd, no fd, fd: each descriptor must stay with its message. */
	imsg_compose(&a, 1, 0, 0, p1[1], "one", 3);
	imsg_compose(&a, 2, 0, 0, -1, "two", 3);
	imsg_compose(&a, 3, 0, 0, p2[1], "three", 5);
	ok(imsgbuf_flush(&a) == 0, "flush with descriptors");

	r = get_one(&b, &imsg);
	ok(r == 1 && imsg.hdr.type == 1 && imsg.fd != -1,
	    "first message carries a descriptor");
	if (r == 1 && imsg.fd != -1) {
		ok(write(imsg.fd, "x", 1) == 1 && read(p1[0], buf, 1) == 1 &&
		    buf[0] == 'x', "it is the first pipe");
		close(imsg.fd);
	} else
		ok(0, "it is the first pipe");
	imsg_free(&imsg);
	r = get_one(&b, &imsg);
	ok(r == 1 && imsg.hdr.type == 2 && imsg.fd == -1,
	    "second message has none");
	imsg_free(&imsg);
	r = get_one(&b, &imsg);
	ok(r == 1 && imsg.hdr.type == 3 && imsg.fd != -1,
	    "third message carries one");
	if (r == 1 && imsg.fd != -1) {
		ok(write(imsg.fd, "y", 1) == 1 && read(p2[0], buf, 1) == 1 &&
		    buf[0] == 'y', "it is the second pipe");
		close(imsg.fd);
	} else
		ok(0, "it is the second pipe");
	imsg_free(&imsg);
	ok(fcntl(p1[1], F_GETFD) == -1 && fcntl(p2[1], F_GETFD) == -1,
	    "sender closed its copies after sending");
	close(p1[0]);
	close(p2[0]);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

static void
test_partial(void)
{
	struct imsgbuf	 a, b;
	struct imsg	 imsg;
	struct imsg_hdr	 hdr;
	uint8_t		*big, frame[sizeof(hdr) + 3];
	size_t		 len = 200 * 1024, i;
	int		 sv[2], sb = 4096, r = 0, partial = 0, rounds = 0;

	pair(sv);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sb, sizeof(sb));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sb, sizeof(sb));
	imsgbuf_init(&a, sv[0]);
	imsgbuf_init(&b, sv[1]);
	big = malloc(len);
	for (i = 0; i < len; i++)
		big[i] = (uint8_t)(i ^ (i >> 8));
	ok(imsg_compose(&a, 5, 0, 0, -1, big, len) == 0, "compose 200 KiB");
	/* Alternate short writes and reads, as two event loops would. */
	while (imsgbuf_queued(&a) > 0 && rounds++ < 100000) {
		if (imsgbuf_write(&a) == -1 && errno == EAGAIN)
			partial = 1;
		imsgbuf_read(&b);
		if ((r = imsg_get(&b, &imsg)) != 0)
			break;
	}
	while (r == 0 && rounds++ < 100000) {
		imsgbuf_read(&b);
		r = imsg_get(&b, &imsg);
	}
	ok(partial, "writer saw a full socket (partial writes happened)");
	ok(r == 1 && imsg.datalen == len && memcmp(imsg.data, big, len) == 0,
	    "message reassembled intact");
	if (r == 1)
		imsg_free(&imsg);
	free(big);

	/* A frame trickling in one byte at a time. */
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 9;
	hdr.len = sizeof(frame);
	memcpy(frame, &hdr, sizeof(hdr));
	memcpy(frame + sizeof(hdr), "abc", 3);
	r = 0;
	for (i = 0; i < sizeof(frame); i++) {
		if (write(sv[0], frame + i, 1) != 1)
			break;
		imsgbuf_read(&b);
		r = imsg_get(&b, &imsg);
		if (r != 0 && i + 1 < sizeof(frame))
			break;
	}
	ok(i == sizeof(frame) && r == 1 && imsg.hdr.type == 9 &&
	    imsg.datalen == 3 && memcmp(imsg.data, "abc", 3) == 0,
	    "byte-by-byte frame completes only at its last byte");
	if (r == 1)
		imsg_free(&imsg);
	imsgbuf_clear(&a);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

/* Send a raw header and check that the reader refuses it. */
static int
malformed(uint32_t len, uint16_t flags, uint16_t reserved, size_t maxsize)
{
	struct imsgbuf	b;
	struct imsg	imsg;
	struct imsg_hdr	hdr;
	int		sv[2], r;

	pair(sv);
	imsgbuf_init(&b, sv[1]);
	imsgbuf_set_maxsize(&b, maxsize);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 1;
	hdr.len = len;
	hdr.flags = flags;
	hdr.reserved = reserved;
	if (write(sv[0], &hdr, sizeof(hdr)) != sizeof(hdr))
		return 0;
	errno = 0;
	r = get_one(&b, &imsg);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
	return r == -1 && errno == EBADMSG;
}

static void
test_malformed(void)
{
	struct imsgbuf	a;
	int		sv[2], p[2];
	char		*big;

	ok(malformed(3, 0, 0, 1024), "length below the header is refused");
	ok(malformed(0, 0, 0, 1024), "length 0 is refused");
	ok(malformed(2048, 0, 0, 1024), "length above the maximum is refused");
	ok(malformed(0xffffffff, 0, 0, IMSG_MAXSIZE_LIMIT),
	    "length 4 GiB is refused");
	ok(malformed(sizeof(struct imsg_hdr), 0x8000, 0, 1024),
	    "unknown flags are refused");
	ok(malformed(sizeof(struct imsg_hdr), 0, 1, 1024),
	    "non-zero reserved field is refused");

	pair(sv);
	imsgbuf_init(&a, sv[0]);
	imsgbuf_set_maxsize(&a, 1024);
	big = calloc(1, 2000);
	if (pipe(p) == -1)
		exit(1);
	errno = 0;
	ok(imsg_compose(&a, 1, 0, 0, p[1], big, 2000) == -1 &&
	    errno == EMSGSIZE, "composing above the maximum fails EMSGSIZE");
	ok(fcntl(p[1], F_GETFD) == -1, "and closes the descriptor it was given");
	ok(imsgbuf_queued(&a) == 0, "and queues nothing");
	free(big);
	close(p[0]);
	imsgbuf_clear(&a);
	close(sv[0]);
	close(sv[1]);
}

static void
test_hasfd_without_fd(void)
{
	struct imsgbuf	b;
	struct imsg	imsg;
	struct imsg_hdr	hdr;
	int		sv[2], r;

	pair(sv);
	imsgbuf_init(&b, sv[1]);
	memset(&hdr, 0, sizeof(hdr));
	hdr.type = 4;
	hdr.len = sizeof(hdr);
	hdr.flags = IMSGF_HASFD;
	if (write(sv[0], &hdr, sizeof(hdr)) != sizeof(hdr))
		exit(1);
	r = get_one(&b, &imsg);
	ok(r == 1 && imsg.fd == -1,
	    "a frame claiming a descriptor that never came gets fd -1");
	if (r == 1)
		imsg_free(&imsg);
	imsgbuf_clear(&b);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	test_roundtrip();
	test_fds();
	test_partial();
	test_malformed();
	test_hasfd_without_fd();
	return tap_done();
}
