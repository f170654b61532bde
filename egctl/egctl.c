/*
 * egctl: the control tool of egd and eg-supd.  One request per run over
 * the daemon's control socket, answers printed as text or JSON; or one
 * signed request to eg-supd's Manage API (manage.c).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "egctl.h"
#include "manage.h"
#include "proc/imsg.h"
#include "proc/proc_imsg.h"
#include "version.h"

#define EGCTL_SOCKET	"/var/run/egd.sock"

enum action {
	SHOW_PEERS,
	SHOW_ROUTES,
	SHOW_ROUTES_ALL,
	SHOW_LINKS,
	RELOAD,
	SOLVE,
	GENKEY,
	GENPSK,
	PUBKEY,
	EXAMPLE,
	GENCFG
};

/*
 * The command words egctl knows, each with what it does and whether it
 * takes an argument after the words.
 */
static const struct command {
	const char	*words[3];
	enum action	 action;
	int		 has_arg;
} commands[] = {
	{ { "show", "peers" }, SHOW_PEERS, 0 },
	{ { "show", "routes" }, SHOW_ROUTES, 0 },
	{ { "show", "routes", "all" }, SHOW_ROUTES_ALL, 0 },
	{ { "show", "links" }, SHOW_LINKS, 0 },
	{ { "reload" }, RELOAD, 0 },
	{ { "solve" }, SOLVE, 1 },
	{ { "genkey" }, GENKEY, 0 },
	{ { "genpsk" }, GENPSK, 0 },
	{ { "pubkey" }, PUBKEY, 0 },
	{ { "example" }, EXAMPLE, 1 },
	{ { "gencfg", "static" }, GENCFG, 1 },
	{ { "gencfg", "p2p" }, GENCFG, 1 },
	{ { "gencfg", "super" }, GENCFG, 1 },
};

static void __attribute__((__noreturn__))
usage_to(FILE *fp, int status)
{
	extern char *__progname;

	fprintf(fp, "usage: %s [-hjV] [-o dir] [-s socket] command [argument ...]\n"
	    "commands:\n"
	    "\tshow peers\n"
	    "\tshow routes [all]\n"
	    "\tshow links\n"
	    "\treload\n"
	    "\tsolve file\n"
	    "\tmanage url [name=value ...]\n"
	    "\tgenkey\n"
	    "\tgenpsk\n"
	    "\tpubkey\n"
	    "\texample edge | super\n"
	    "\tgencfg static | p2p | super file\n", __progname);
	exit(status);
}

static void __attribute__((__noreturn__))
usage(void)
{
	usage_to(stderr, 1);
}

/* Accepts unique prefixes of each word, as bgpctl does. */
static const struct command *
command_match(int argc, char *argv[])
{
	const struct command	*cmd, *found = NULL;
	size_t			 i, j, n;
	int			 w;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		cmd = &commands[i];
		for (n = 0; n < 3 && cmd->words[n] != NULL; n++)
			;
		if ((size_t)argc != n + (cmd->has_arg ? 1 : 0))
			continue;
		for (w = 0; w < (int)n; w++) {
			if (strncmp(argv[w], cmd->words[w],
			    strlen(argv[w])) != 0 || argv[w][0] == '\0')
				break;
		}
		if (w != (int)n)
			continue;
		if (found != NULL) {
			/* Ambiguous unless one matches exactly. */
			for (j = 0; j < n; j++)
				if (strcmp(argv[j], cmd->words[j]) != 0)
					break;
			if (j == n)
				found = cmd;
			continue;
		}
		found = cmd;
	}
	return found;
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path))
		errx(1, "socket path too long: %s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "connect %s", path);
	return fd;
}

/* Reads answers until the daemon says it is done; returns the status. */
static int
ctl_run(struct imsgbuf *ib, const struct output *out, enum action action,
    const char *path)
{
	struct imsg	 imsg;
	struct ctl_peer	 peer;
	struct ctl_route route;
	struct ctl_link	 link;
	struct ctl_counter counter;
	const char	*msg;
	size_t		 len;
	ssize_t		 n;
	int		 r, status = 0, done = 0;

	switch (action) {
	case SHOW_PEERS:
		out->peers_begin();
		break;
	case SHOW_ROUTES:
	case SHOW_ROUTES_ALL:
		out->routes_begin(action == SHOW_ROUTES_ALL);
		break;
	case SHOW_LINKS:
		out->links_begin();
		break;
	default:
		break;
	}
	while (!done) {
		if ((n = imsgbuf_read(ib)) == -1)
			err(1, "read %s", path);
		if (n == 0)
			errx(1, "%s: daemon closed the connection", path);
		while (!done) {
			if ((r = imsg_get(ib, &imsg)) == -1)
				errx(1, "%s: malformed answer", path);
			if (r == 0)
				break;
			switch (imsg.hdr.type) {
			case IMSG_CTL_PEER:
				if (imsg.datalen != sizeof(peer))
					errx(1, "%s: bad peer record", path);
				memcpy(&peer, imsg.data, sizeof(peer));
				peer.name[sizeof(peer.name) - 1] = '\0';
				peer.endpoint[sizeof(peer.endpoint) - 1] = '\0';
				out->peer(&peer);
				break;
			case IMSG_CTL_ROUTE:
				if (imsg.datalen != sizeof(route))
					errx(1, "%s: bad route record", path);
				memcpy(&route, imsg.data, sizeof(route));
				out->route(&route);
				break;
			case IMSG_CTL_LINK:
				if (imsg.datalen != sizeof(link))
					errx(1, "%s: bad link record", path);
				memcpy(&link, imsg.data, sizeof(link));
				out->link(&link);
				break;
			case IMSG_CTL_COUNTER:
				if (imsg.datalen != sizeof(counter))
					errx(1, "%s: bad counter", path);
				memcpy(&counter, imsg.data, sizeof(counter));
				counter.name[sizeof(counter.name) - 1] = '\0';
				out->counter(&counter);
				break;
			case IMSG_CTL_RESULT:
				if (ctl_result_decode(&imsg, &status, &msg,
				    &len) == -1)
					errx(1, "%s: bad result", path);
				out->result(status, msg, len);
				done = 1;
				break;
			case IMSG_CTL_END:
				done = 1;
				break;
			default:
				errx(1, "%s: unexpected answer type %u", path,
				    imsg.hdr.type);
			}
			imsg_free(&imsg);
		}
	}
	switch (action) {
	case SHOW_PEERS:
		out->peers_end();
		break;
	case SHOW_ROUTES:
	case SHOW_ROUTES_ALL:
		out->routes_end();
		break;
	case SHOW_LINKS:
		out->links_end();
		break;
	default:
		break;
	}
	return status == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	const struct command	*cmd;
	const struct output	*out = &output_text;
	const char		*path = EGCTL_SOCKET, *outdir = NULL;
	struct imsgbuf		 ib;
	uint8_t			 all;
	int			 ch, fd, rv = -1;

	while ((ch = getopt(argc, argv, "hjo:s:V")) != -1) {
		switch (ch) {
		case 'h':
			usage_to(stdout, 0);
		case 'V':
			printf("egctl %s (%s)\n", EG_VERSION, EG_PROTO_NAME);
			return 0;
		case 'j':
			out = &output_json;
			break;
		case 'o':
			outdir = optarg;
			break;
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	/* An HTTP client of eg-supd's Manage API: no control socket. */
	if (argc >= 2 && argv[0][0] != '\0' && strncmp(argv[0], "manage",
	    strlen(argv[0])) == 0)
		return manage_main(argv[1], argc - 2, argv + 2);
	if (argc == 0 || (cmd = command_match(argc, argv)) == NULL)
		usage();
	/* The offline tools need no daemon. */
	switch (cmd->action) {
	case SOLVE:
		return solve_main(argv[argc - 1], out == &output_json);
	case GENKEY:
		return keys_genkey();
	case GENPSK:
		return keys_genpsk();
	case PUBKEY:
		return keys_pubkey();
	case EXAMPLE:
		return example_main(argv[argc - 1]);
	case GENCFG:
		return gencfg_main(cmd->words[1], argv[argc - 1], outdir);
	default:
		break;
	}

	fd = ctl_connect(path);
	imsgbuf_init(&ib, fd);
	imsgbuf_set_maxsize(&ib, CTL_MAXSIZE);
	switch (cmd->action) {
	case SHOW_PEERS:
		rv = imsg_compose(&ib, IMSG_CTL_SHOW_PEERS, 0, 0, -1, NULL, 0);
		break;
	case SHOW_ROUTES:
	case SHOW_ROUTES_ALL:
		all = cmd->action == SHOW_ROUTES_ALL;
		rv = imsg_compose(&ib, IMSG_CTL_SHOW_ROUTES, 0, 0, -1, &all,
		    sizeof(all));
		break;
	case SHOW_LINKS:
		rv = imsg_compose(&ib, IMSG_CTL_SHOW_LINKS, 0, 0, -1, NULL, 0);
		break;
	case RELOAD:
		rv = imsg_compose(&ib, IMSG_CTL_RELOAD, 0, 0, -1, NULL, 0);
		break;
	default:
		errx(1, "internal error: action %d", cmd->action);
	}
	if (rv == -1 || imsgbuf_flush(&ib) == -1)
		err(1, "write %s", path);
	rv = ctl_run(&ib, out, cmd->action, path);
	imsgbuf_clear(&ib);
	close(fd);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	return rv;
}
