/*
 * netsim: the command line.  "start" builds the emulated WAN and leaves
 * an emulator serving it; every other request goes to that emulator
 * through RUNDIR/ctl; "cleanup" removes what a crashed run left.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>
#include <unistd.h>

#include "util/log.h"
#include "netsim.h"
#include "ctl.h"

static noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: netsim -d rundir start [-af] [-p prefix] [-r rtprio] "
	    "[-s seed] [-w pid]\n"
	    "                 (-n count | kind ...)\n"
	    "       netsim -d rundir request ...\n"
	    "       netsim cleanup prefix\n"
	    "kinds: pub eim sym; requests: set link cut heal stats show "
	    "nodes clear stop\n");
	exit(2);
}

static long
number(const char *s, long min, long max, const char *what)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s, min, max, &errstr);
	if (errstr != NULL)
		errx(2, "%s %s: %s", what, s, errstr);
	return (long)v;
}

/* ip(8) and nft(8) live in sbin, which a test's PATH may lack. */
static void
fix_path(void)
{
	const char	*path = getenv("PATH");
	char		 buf[4096];

	if (path == NULL)
		path = "/usr/bin:/bin";
	snprintf(buf, sizeof(buf), "%s:/usr/sbin:/sbin", path);
	setenv("PATH", buf, 1);
}

static int
cmd_start(const char *rundir, int argc, char **argv)
{
	static struct ns_env	 env;
	struct sim_opts		 o;
	struct ns_buf		 reply = { NULL, 0, 0 };
	char			 ctlpath[PATH_MAX];
	long			 count = 0;
	int			 ch, i;

	memset(&o, 0, sizeof(o));
	o.rundir = rundir;
	env.e_static_neigh = 1;
	snprintf(env.e_prefix, sizeof(env.e_prefix), "nsim%d", (int)getpid());
	optind = 1;
	while ((ch = getopt(argc, argv, "afn:p:r:s:w:")) != -1) {
		switch (ch) {
		case 'a':
			env.e_static_neigh = 0;
			break;
		case 'f':
			o.foreground = 1;
			break;
		case 'n':
			count = number(optarg, 1, NS_MAXNODES, "node count");
			break;
		case 'p':
			if (env_check_prefix(optarg) == -1)
				errx(2, "prefix \"%s\": 1 to %d letters, "
				    "digits, '_' or '.'", optarg,
				    NS_PREFIX_MAX);
			strlcpy(env.e_prefix, optarg, sizeof(env.e_prefix));
			break;
		case 'r':
			o.rtprio = (int)number(optarg, 0, 99, "rtprio");
			break;
		case 's':
			o.seed = (uint64_t)number(optarg, 1, LONG_MAX, "seed");
			break;
		case 'w':
			o.watch_pid = (int)number(optarg, 1, INT_MAX, "pid");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((count > 0) == (argc > 0))
		errx(2, "start: give either -n count or a kind per node");
	if (argc > NS_MAXNODES)
		errx(2, "at most %d nodes", NS_MAXNODES);
	env.e_nnodes = count > 0 ? (int)count : argc;
	for (i = 0; i < argc; i++)
		if (node_kind_parse(argv[i], &env.e_nodes[i + 1].n_kind) == -1)
			errx(2, "node %d: unknown kind \"%s\" (pub, eim, sym)",
			    i + 1, argv[i]);

	if (mkdir(rundir, 0700) == -1 && errno != EEXIST)
		err(1, "%s", rundir);
	snprintf(ctlpath, sizeof(ctlpath), "%s/ctl", rundir);
	if (ctl_request(ctlpath, "nodes", &reply) == 0)
		errx(1, "an emulator already serves %s", rundir);
	buf_free(&reply);
	fix_path();
	return sim_start(&env, &o);
}

/* Sends the words of argv as one request and prints the answer. */
static int
cmd_request(const char *rundir, int argc, char **argv)
{
	struct ns_buf	 req = { NULL, 0, 0 }, reply = { NULL, 0, 0 };
	char		 ctlpath[PATH_MAX];
	char		*body;
	int		 i, rv;

	for (i = 0; i < argc; i++) {
		if (argv[i][0] == '\0' || strpbrk(argv[i], " \t\r\n") != NULL)
			errx(2, "argument %d: empty or with white space", i);
		buf_printf(&req, "%s%s", i ? " " : "", argv[i]);
	}
	if (req.b_len >= NS_REQ_MAX)
		errx(2, "request too long");
	snprintf(ctlpath, sizeof(ctlpath), "%s/ctl", rundir);
	if (ctl_request(ctlpath, req.b_data, &reply) == -1)
		err(1, "no emulator answers at %s", ctlpath);
	if (reply.b_len == 0)
		errx(1, "%s: the emulator closed without an answer",
		    req.b_data);
	body = strchr(reply.b_data, '\n');
	body = body ? body + 1 : reply.b_data + reply.b_len;
	if (strncmp(reply.b_data, "ok\n", 3) == 0) {
		fputs(body, stdout);
		rv = 0;
	} else {
		fprintf(stderr, "netsim: %s: %.*s\n", req.b_data,
		    (int)(body - reply.b_data - 1), reply.b_data);
		rv = 1;
	}
	buf_free(&req);
	buf_free(&reply);
	return rv;
}

int
main(int argc, char *argv[])
{
	const char	*rundir = NULL;
	int		 ch;

	while ((ch = getopt(argc, argv, "+d:")) != -1) {
		switch (ch) {
		case 'd':
			rundir = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (strcmp(argv[0], "cleanup") == 0) {
		if (argc != 2 || env_check_prefix(argv[1]) == -1)
			usage();
		fix_path();
		return env_cleanup_prefix(argv[1]) == 0 ? 0 : 1;
	}
	if (rundir == NULL)
		usage();
	if (strcmp(argv[0], "start") == 0)
		return cmd_start(rundir, argc, argv);
	return cmd_request(rundir, argc, argv);
}
