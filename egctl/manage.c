/*
 * egctl manage: see manage.h.  The password is the first line of
 * standard input, or typed at the terminal without echo; the answer's
 * body goes to standard output, a refusal's reason to standard error.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <readpassphrase.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "manage.h"

#define MANAGE_TIMEOUT_MS	60000	/* eg-supd may wait 30 s */
#define MANAGE_ANSWER_MAX	(17 * 1024 * 1024)
#define MANAGE_BODY_MAX		65536

static int64_t
now_ms(int clock)
{
	struct timespec	ts;

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
read_password(char *pw, size_t len)
{
	size_t	n;

	if (isatty(STDIN_FILENO)) {
		if (readpassphrase("Password: ", pw, len, RPP_REQUIRE_TTY) ==
		    NULL)
			err(1, "password");
		return;
	}
	if (fgets(pw, (int)len, stdin) == NULL)
		errx(1, "no password on standard input");
	n = strcspn(pw, "\r\n");
	if (pw[n] == '\0' && n == len - 1)
		errx(1, "password longer than %zu bytes", len - 2);
	pw[n] = '\0';
}

/* Waits for fd until the deadline; -1 when it has passed. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd	pfd;
	int64_t		left;
	int		n;

	pfd.fd = fd;
	pfd.events = events;
	for (;;) {
		if ((left = deadline - now_ms(CLOCK_MONOTONIC)) <= 0)
			return -1;
		if ((n = poll(&pfd, 1, (int)left)) == 1)
			return 0;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

static int
dial(const struct manage_url *u, int64_t deadline)
{
	struct addrinfo	 hints, *res, *ai;
	socklen_t	 elen;
	int		 s = -1, rv, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rv = getaddrinfo(u->host, u->port, &hints, &res)) != 0)
		errx(1, "%s: %s", u->host, gai_strerror(rv));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
			continue;
		elen = sizeof(e);
		if ((connect(s, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && wait_fd(s, POLLOUT, deadline) ==
		    0 && getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &elen) == 0 &&
		    (errno = e) == 0)))
			break;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s == -1)
		err(1, "connect to %s port %s", u->host, u->port);
	return s;
}

int
manage_main(const char *url, int argc, char *const argv[])
{
	struct manage_url	 u;
	char			 pw[1024], *body = NULL, *req, *ans = NULL;
	size_t			 reqlen, off = 0, have = 0, cap = 0, boff;
	ssize_t			 n;
	int64_t			 deadline;
	int			 s, status;

	if (manage_url_parse(url, &u) == -1)
		errx(1, "%s: not http://host[:port]/.../manage/CALL[?query]",
		    url);
	if (argc > 0) {
		if ((body = malloc(MANAGE_BODY_MAX)) == NULL)
			err(1, NULL);
		if (manage_form(body, MANAGE_BODY_MAX, argc, argv) == -1)
			errx(1, "parameters: NAME=VALUE, at most %d bytes",
			    MANAGE_BODY_MAX);
	}
	read_password(pw, sizeof(pw));
	req = manage_request(&u, pw, body, now_ms(CLOCK_REALTIME), &reqlen);
	explicit_bzero(pw, sizeof(pw));
	free(body);
	if (req == NULL)
		errx(1, "cannot sign the request (out of memory)");
	deadline = now_ms(CLOCK_MONOTONIC) + MANAGE_TIMEOUT_MS;
	s = dial(&u, deadline);
	while (off < reqlen) {
		if (wait_fd(s, POLLOUT, deadline) == -1)
			errx(1, "%s: timed out", url);
		if ((n = write(s, req + off, reqlen - off)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err(1, "%s", url);
		}
		off += (size_t)n;
	}
	free(req);
	/* Connection: close: the answer ends with the connection. */
	for (;;) {
		if (have == cap) {
			if (cap >= MANAGE_ANSWER_MAX)
				errx(1, "%s: answer too large", url);
			cap = cap == 0 ? 65536 : cap * 2;
			if ((ans = realloc(ans, cap + 1)) == NULL)
				err(1, NULL);
		}
		if (wait_fd(s, POLLIN, deadline) == -1)
			errx(1, "%s: timed out", url);
		if ((n = read(s, ans + have, cap - have)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err(1, "%s", url);
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(s);
	if (manage_answer(ans, have, &status, &boff) == -1)
		errx(1, "%s: not an HTTP answer", url);
	if (status < 200 || status > 299) {
		ans[have] = '\0';
		fprintf(stderr, "egctl: HTTP %d: %.*s\n", status,
		    (int)strcspn(ans + boff, "\n"), ans + boff);
		free(ans);
		return 1;
	}
	if (fwrite(ans + boff, 1, have - boff, stdout) != have - boff ||
	    fflush(stdout) == EOF)
		err(1, "stdout");
	free(ans);
	return 0;
}
