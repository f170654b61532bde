/*
 * Confinement of a daemon's children, where OpenBSD would pledge():
 * chroot to an empty directory, drop to the unprivileged user, set
 * no_new_privs, and load a seccomp-bpf allowlist written for the role.
 * A child narrows again (sandbox_narrow) once the descriptors it needs
 * have arrived; filters stack, so a later one can only take away.
 */
#ifndef EG_SANDBOX_H
#define EG_SANDBOX_H

enum sandbox_policy {
	SB_ENGINE_SETUP,	/* engine until its descriptors arrived */
	SB_ENGINE,		/* engine: UDP and interface I/O only */
	SB_ROUTE,		/* computation only */
	SB_CONTROL,		/* accept clients on the control socket */
	SB_CONTROL_HTTP,	/* also HTTP on sockets the parent dialed */
	SB_SUPD_CONTROL,	/* accept on control and HTTP sockets */
	SB_RESOLVER,		/* getaddrinfo(): read files, DNS sockets */
	SB_MAX
};

/*
 * chroot(dir), chdir("/"), setproctitle("title"), drop to user, then
 * no_new_privs and the policy.  Fatal on any failure: a child must not
 * run unconfined.  Creates dir (root-owned, 0755) if it does not exist;
 * dir NULL: no chroot (the resolver only).
 */
void	sandbox_enter(const char *user, const char *dir, const char *title,
	    enum sandbox_policy);
/* Again to the policy in force: nothing. */
void	sandbox_narrow(enum sandbox_policy);
/*
 * IMSG_FDS_DONE arrived (the framework calls it): a process that
 * entered with SB_ENGINE_SETUP narrows to SB_ENGINE.
 */
void	sandbox_fds_done(void);

/*
 * Test hook: when the environment names this process (e.g.
 * EG_TEST_SANDBOX_VIOLATION=engine), make a system call the policy
 * forbids, so regress can check that the kernel kills the process and
 * the daemon goes down as a whole.  "control:tcp" and "control:connect"
 * try a TCP socket() and a connect() instead, "resolver:creat" an
 * open() to write.
 */
void	sandbox_test_violation(const char *procname);

#endif /* EG_SANDBOX_H */
