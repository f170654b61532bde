/*
 * Confinement of children: see sandbox.h.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox.h"
#include "util/log.h"

/*
 * Every child: memory, its event loop, its channels, time, randomness.
 * sysinfo: glibc's qsort() asks it for the size of RAM the first time
 * it sorts 1 KiB or more (a next-hop table of 171 entries, 14 nodes).
 */
static const int sb_base[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(sendto),
	SCMP_SYS(recvfrom), SCMP_SYS(close), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(brk), SCMP_SYS(munmap),
	SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getrandom), SCMP_SYS(fcntl),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(futex), SCMP_SYS(restart_syscall), SCMP_SYS(sched_yield),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	/*
	 * glibc's qsort() of 1 kB or more asks sysconf(_SC_PHYS_PAGES)
	 * once, which is sysinfo(): route's show links sorts every link.
	 */
	SCMP_SYS(sysinfo),
	-1
};

/* Until its descriptors arrived; then it loads a narrower filter. */
static const int sb_engine_setup[] = {
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(seccomp),
	-1
};

static const int sb_engine[] = {
	SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg), SCMP_SYS(getsockopt),
	-1
};

static const int sb_none[] = {
	-1
};

static const int sb_control[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(getsockopt),
	SCMP_SYS(shutdown),
	-1
};

/*
 * Also a client (egd's EdgeAPI) on sockets the parent dialed: no
 * socket() or connect() of its own.  Until it narrows in static mode.
 */
static const int sb_control_http[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(getsockopt),
	SCMP_SYS(setsockopt), SCMP_SYS(shutdown), SCMP_SYS(seccomp),
	-1
};

static const int sb_supd_control[] = {
	SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(getsockopt),
	SCMP_SYS(setsockopt), SCMP_SYS(shutdown),
	-1
};

/*
 * glibc's getaddrinfo() for files and DNS: it reads /etc/hosts,
 * resolv.conf, nsswitch.conf and gai.conf (open is read-only, below),
 * queries the name servers over UDP (both families at once, sendmmsg)
 * or TCP, and to sort several answers (RFC 6724) reads the local
 * addresses over netlink and connects a UDP socket to each answer to
 * learn its source address (no datagram is sent).
 */
static const int sb_resolver[] = {
	SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(sendmmsg), SCMP_SYS(uname),
	SCMP_SYS(stat), SCMP_SYS(statx), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	SCMP_SYS(getgid), SCMP_SYS(getegid),
	-1
};

static const struct {
	const char	*name;
	const int	*extra;
} sb_policies[SB_MAX] = {
	[SB_ENGINE_SETUP] = { "engine-setup", sb_engine_setup },
	[SB_ENGINE] = { "engine", sb_engine },
	[SB_ROUTE] = { "route", sb_none },
	[SB_CONTROL] = { "control", sb_control },
	[SB_CONTROL_HTTP] = { "control-http", sb_control_http },
	[SB_SUPD_CONTROL] = { "supd-control", sb_supd_control },
	[SB_RESOLVER] = { "resolver", sb_resolver },
};

static const char	*sb_procname = "";
/* The policy a process entered with, to know what it narrows to. */
static enum sandbox_policy	 sb_entered = SB_MAX;

/*
 * A forbidden call traps here first, so that the log says which call;
 * then the process dies of SIGSYS as the parent expects.
 */
static void
sandbox_sigsys(int sig, siginfo_t *si, void *uc)
{
	char	buf[128];
	ssize_t	w = 0;
	int	n;

	n = snprintf(buf, sizeof(buf), "%s: sandbox violation: system call "
	    "%d\n", sb_procname, si->si_syscall);
	if (n > 0)
		w = write(STDERR_FILENO, buf, (size_t)n);
	(void)w;
	/* SA_RESETHAND made SIGSYS fatal again. */
	raise(SIGSYS);
	_exit(128 + SIGSYS);
}

static void
sandbox_add(scmp_filter_ctx ctx, const int *list, const char *name)
{
	int	i, rc;

	for (i = 0; list[i] != -1; i++) {
		if (list[i] < 0)	/* not on this architecture */
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0)) <
		    0)
			fatalx("seccomp %s: rule %d: %s", name, list[i],
			    strerror(-rc));
	}
}

/*
 * The resolver's calls that depend on their arguments: files opened
 * only to read; sockets of the families DNS and the address sort use;
 * an NSS module outside libc cannot be mapped executable, so its
 * dlopen() fails and NSS goes on with the next source instead of the
 * process dying.
 */
static int
sandbox_add_resolver(scmp_filter_ctx ctx)
{
	static const int	 families[] = { AF_INET, AF_INET6, AF_NETLINK };
	const scmp_datum_t	 wflags = O_ACCMODE | O_CREAT | O_TRUNC |
				    O_APPEND;
	size_t			 i;
	int			 rc;

	rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, wflags, O_RDONLY));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, wflags, O_RDONLY));
	for (i = 0; rc == 0 && i < sizeof(families) / sizeof(families[0]);
	    i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]));
	/* nscd's socket: glibc asks the name servers itself instead. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
		    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(mmap), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC,
		    PROT_EXEC));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    SCMP_SYS(mprotect), 1, SCMP_A2(SCMP_CMP_MASKED_EQ,
		    PROT_EXEC, PROT_EXEC));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, FIONREAD));
	return rc;
}

static void
sandbox_load(enum sandbox_policy policy)
{
	scmp_filter_ctx	ctx;
	const char	*name = sb_policies[policy].name;
	int		rc;

	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		fatalx("seccomp_init failed");
	/* no_new_privs is set already; a narrower filter must not set it. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
		fatalx("seccomp %s: attribute", name);
	sandbox_add(ctx, sb_base, name);
	sandbox_add(ctx, sb_policies[policy].extra, name);

	/* Memory may be mapped, never executable (W^X). */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
	    SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect),
		    1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/*
	 * raise() and abort() kill the process through tgkill: only
	 * itself, for the children share a uid and could signal each
	 * other.
	 */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill),
		    2, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()),
		    SCMP_A2(SCMP_CMP_EQ, SIGSYS));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill),
		    2, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()),
		    SCMP_A2(SCMP_CMP_EQ, SIGABRT));
	if (rc == 0 && (policy == SB_CONTROL_HTTP ||
	    policy == SB_SUPD_CONTROL)) {
		/* libevent asks how much a socket holds before reading. */
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_EQ, FIONREAD));
		/*
		 * getnameinfo() on a client's scoped IPv6 address wants an
		 * AF_UNIX socket to name the interface: let it fail and
		 * fall back to the numeric scope, rather than kill.
		 */
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
			    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	}
	if (rc == 0 && policy == SB_RESOLVER)
		rc = sandbox_add_resolver(ctx);
	if (rc < 0)
		fatalx("seccomp %s: %s", name, strerror(-rc));
	if ((rc = seccomp_load(ctx)) < 0)
		fatalx("seccomp %s: load: %s", name, strerror(-rc));
	seccomp_release(ctx);
}

void
sandbox_enter(const char *user, const char *dir, const char *title,
    enum sandbox_policy policy)
{
	struct passwd		*pw;
	struct stat		 st;
	struct sigaction	 sa;

	sb_procname = title;
	if ((pw = getpwnam(user)) == NULL)
		fatalx("unknown user %s (create it, e.g. with make install, "
		    "or choose another with -u)", user);
	if (pw->pw_uid == 0)
		fatalx("user %s is root: the children must not be", user);

	/*
	 * No directory: the resolver, which must read the system's
	 * resolver files where they are (see resolver.c).
	 */
	if (dir == NULL)
		goto nochroot;
	if (stat(dir, &st) == -1) {
		if (errno != ENOENT)
			fatal("%s", dir);
		/* Another child may create it at the same moment. */
		if (mkdir(dir, 0755) == -1 && errno != EEXIST)
			fatal("mkdir %s", dir);
		if (stat(dir, &st) == -1)
			fatal("%s", dir);
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		fatalx("%s must be a directory owned by root and writable "
		    "only by root", dir);
	if (chroot(dir) == -1)
		fatal("chroot %s", dir);
nochroot:
	if (chdir("/") == -1)
		fatal("chdir /");

	setproctitle("%s", title);

	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		fatal("cannot drop privileges to %s", user);
	/* Losing root must be final. */
	if (setuid(0) != -1)
		fatalx("regained root after dropping it");

	/* Die with the parent even if the channel close went unnoticed. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
		fatal("prctl PR_SET_PDEATHSIG");
	if (getppid() == 1)
		fatalx("parent is gone");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl PR_SET_NO_NEW_PRIVS");
	/*
	 * The children share a uid: not dumpable, none may read another's
	 * memory or environment through /proc (the resolver sees /proc),
	 * whatever fs.suid_dumpable says.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl PR_SET_DUMPABLE");

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_sigsys;
	/* Reset and not deferred, so that raise() in it kills at once. */
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		fatal("sigaction SIGSYS");

	sandbox_load(policy);
	sb_entered = policy;
}

void
sandbox_fds_done(void)
{
	if (sb_entered == SB_ENGINE_SETUP)
		sandbox_narrow(SB_ENGINE);
}

/*
 * Once narrowed, a process has no seccomp() left to load a filter with:
 * narrowing to the policy in force again is a no-op, not a violation.
 */
void
sandbox_narrow(enum sandbox_policy policy)
{
	static int	narrowed_to = -1;

	if (narrowed_to == (int)policy)
		return;
	sandbox_load(policy);
	narrowed_to = (int)policy;
}

void
sandbox_test_violation(const char *procname)
{
	const char		*who = getenv("EG_TEST_SANDBOX_VIOLATION");
	struct sockaddr_in	 sin;
	size_t			 n = strlen(procname);
	int			 s;

	if (who == NULL || strncmp(who, procname, n) != 0)
		return;
	if (who[n] == '\0') {
		log_warnx("EG_TEST_SANDBOX_VIOLATION: calling socket() on "
		    "purpose");
		/* No policy allows a UDP socket to be created. */
		s = socket(AF_INET, SOCK_DGRAM, 0);
		fatalx("sandbox did not stop socket() (got %d)", s);
	}
	if (strcmp(who + n, ":tcp") == 0) {
		log_warnx("EG_TEST_SANDBOX_VIOLATION: calling socket(AF_INET, "
		    "SOCK_STREAM) on purpose");
		s = socket(AF_INET, SOCK_STREAM, 0);
		fatalx("sandbox did not stop socket() (got %d)", s);
	}
	if (strcmp(who + n, ":tgkill") == 0) {
		/* Another process's: init, which as nobody it may not. */
		log_warnx("EG_TEST_SANDBOX_VIOLATION: calling tgkill() on "
		    "another process on purpose");
		s = (int)syscall(SYS_tgkill, 1, 1, SIGABRT);
		fatalx("sandbox did not stop tgkill() (got %d)", s);
	}
	if (strcmp(who + n, ":creat") == 0) {
		/* The resolver may open files, but only to read them. */
		log_warnx("EG_TEST_SANDBOX_VIOLATION: opening a file to write "
		    "on purpose");
		s = open("/eg-sandbox-test", O_WRONLY | O_CREAT, 0600);
		fatalx("sandbox did not stop open() to write (got %d)", s);
	}
	if (strcmp(who + n, ":connect") == 0) {
		log_warnx("EG_TEST_SANDBOX_VIOLATION: calling connect() on "
		    "purpose");
		/* The filter acts before the kernel looks at the descriptor. */
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		s = connect(-1, (struct sockaddr *)&sin, sizeof(sin));
		fatalx("sandbox did not stop connect() (got %d)", s);
	}
}
