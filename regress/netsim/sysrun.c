/*
 * Running ip(8) and nft(8), and ending the processes that live in a
 * network namespace, for the setup and teardown of the emulated WAN.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "netsim.h"

#define SYS_MAXARGS	32
#define KILL_GRACE_MS	1000	/* between SIGTERM and SIGKILL */
#define KILL_WAIT_MS	3000	/* for SIGKILLed processes to go */

/*
 * Runs the command (a NULL-terminated list of words), feeding input on
 * its standard input when not NULL, its output going to our stderr.
 * Returns 0 when it exits 0.
 */
int
sys_run(const char *input, const char *cmd, ...)
{
	const char	*argv[SYS_MAXARGS + 1];
	sigset_t	 mask;
	va_list		 ap;
	pid_t		 pid;
	size_t		 len, off;
	ssize_t		 n;
	int		 argc = 0, fds[2] = { -1, -1 }, status;

	argv[argc++] = cmd;
	va_start(ap, cmd);
	while ((argv[argc] = va_arg(ap, const char *)) != NULL)
		if (++argc == SYS_MAXARGS)
			fatalx("%s: too many arguments", cmd);
	va_end(ap);

	if (input != NULL && pipe2(fds, O_CLOEXEC) == -1) {
		log_warn("pipe");
		return -1;
	}
	switch (pid = fork()) {
	case -1:
		log_warn("fork");
		if (input != NULL) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	case 0:
		/* Undo what the emulator set for itself only. */
		sigemptyset(&mask);
		sigprocmask(SIG_SETMASK, &mask, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (input != NULL && dup2(fds[0], STDIN_FILENO) == -1)
			_exit(127);
		if (dup2(STDERR_FILENO, STDOUT_FILENO) == -1)
			_exit(127);
		execvp(cmd, (char *const *)argv);
		fprintf(stderr, "netsim: exec %s: %s\n", cmd, strerror(errno));
		_exit(127);
	}
	if (input != NULL) {
		close(fds[0]);
		len = strlen(input);
		for (off = 0; off < len; off += n) {
			n = write(fds[1], input + off, len - off);
			if (n == -1) {
				if (errno == EINTR) {
					n = 0;
					continue;
				}
				log_warn("%s: write", cmd);
				break;
			}
		}
		close(fds[1]);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			log_warn("waitpid");
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_warnx("%s %s failed (status %d)", cmd, argc > 1 ? argv[1] : "",
	    status);
	return -1;
}

struct ns_id {
	dev_t	dev;
	ino_t	ino;
};

/* Pids (up to max) whose network namespace is one of ids. */
static int
netns_pids(const struct ns_id *ids, int nids, pid_t *pids, int max)
{
	char		 path[64];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	pid_t		 pid, self = getpid();
	char		*end;
	int		 i, n = 0;

	if ((d = opendir("/proc")) == NULL) {
		log_warn("/proc");
		return 0;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		pid = (pid_t)strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		/* Zombies have no namespaces left: they fail here. */
		if (stat(path, &st) == -1)
			continue;
		for (i = 0; i < nids; i++)
			if (st.st_dev == ids[i].dev && st.st_ino == ids[i].ino)
				pids[n++] = pid;
	}
	closedir(d);
	return n;
}

static void
sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Ends every process in the named namespaces (/run/netns/NAME): SIGTERM,
 * then SIGKILL for those still there after a grace period.  Returns the
 * number of processes that would not go.
 */
int
sys_kill_netns(char *const *names, int nnames)
{
	struct ns_id	*ids;
	struct stat	 st;
	char		 path[PATH_MAX];
	pid_t		 pids[1024];
	int		 i, n, nids = 0, waited, sig = SIGTERM;

	if ((ids = calloc(nnames ? nnames : 1, sizeof(*ids))) == NULL)
		fatal("calloc");
	for (i = 0; i < nnames; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s", names[i]);
		if (stat(path, &st) == -1)
			continue;
		ids[nids].dev = st.st_dev;
		ids[nids].ino = st.st_ino;
		nids++;
	}
	n = nids ? netns_pids(ids, nids, pids, 1024) : 0;
	for (waited = 0; n > 0; waited += 20) {
		if (waited == KILL_GRACE_MS)
			sig = SIGKILL;
		if (waited == 0 || waited == KILL_GRACE_MS) {
			for (i = 0; i < n; i++)
				kill(pids[i], sig);
			if (sig == SIGKILL)
				log_warnx("%d processes ignored SIGTERM", n);
		}
		if (waited >= KILL_GRACE_MS + KILL_WAIT_MS)
			break;
		sleep_ms(20);
		n = netns_pids(ids, nids, pids, 1024);
	}
	free(ids);
	return n;
}
