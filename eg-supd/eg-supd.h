/*
 * eg-supd, the supernode daemon: declarations shared by its four
 * processes (common/proc/proc.h describes the process graph).
 */
#ifndef EG_SUPD_H
#define EG_SUPD_H

#include "config/config.h"
#include "proc/proc.h"

#define SUPD_USER		"_egsupd"
#define SUPD_CONF		"/etc/eg-supd.conf"
#define SUPD_SOCKET		"/var/run/eg-supd.sock"

/* parent_setup.c: the parent's privileged work */
/* 0, or -1 and why eg-supd could not start with conf (-n too). */
int	supd_runnable(const void *conf, char *why, size_t len);
int	supd_setup(void *conf);
void	supd_started(void *conf, struct proc_chan chans[PROC_MAX]);
void	supd_reloaded(void *conf, const void *old,
	    struct proc_chan chans[PROC_MAX]);

/* parent_manage.c: what control asks of the parent (Manage API, EdgeAPI) */
void	supd_manage(struct proc_chan *, struct imsg *);
/* parent_edgeauth.c: an EdgeAPI request's credential */
void	supd_edge_auth(struct proc_chan *, struct imsg *);

void	supd_engine_main(void) __attribute__((__noreturn__));
void	supd_route_main(void) __attribute__((__noreturn__));
void	supd_control_main(void) __attribute__((__noreturn__));

/* parent.c: the daemon's side of the parent (common/proc/parent.c) */
struct parent_ops;
extern const struct parent_ops supd_parent_ops;
void	*supd_parse(const char *name, const char *buf, size_t len,
	    struct conf_diags *, int flags);

#endif /* EG_SUPD_H */
