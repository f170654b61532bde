/*
 * egd, the edge daemon: declarations shared by its four processes.
 * The process graph and the framework are in common/proc.h; the
 * message types in common/eg_imsg.h (IMSG_EGD_*).
 */
#ifndef EGD_H
#define EGD_H

#include "config.h"
#include "parent.h"
#include "proc.h"
#include "super.h"

#define EGD_USER		"_egd"
#define EGD_CONF		"/etc/eg.conf"
#define EGD_SOCKET		"/var/run/egd.sock"

/* setup.c: the parent's privileged work for the engine */
int	egd_setup(void *conf);
void	egd_started(void *conf, struct proc_chan chans[PROC_MAX]);
void	egd_reloaded(void *conf, struct proc_chan chans[PROC_MAX]);
void	egd_dispatch_engine(struct proc_chan *, struct imsg *);
void	egd_reaped(pid_t, int);
/* supersetup.c: the parent's part in super mode */
int	egd_super_start(const struct edge_conf *, struct proc_chan *,
	    int have4, int have6, int port, const char *ovl_ifname);
void	egd_super_endpoints(const struct edge_conf *);
void	egd_super_dispatch(struct proc_chan *, struct imsg *);
#define parent_conf_edge()	((const struct edge_conf *)parent_conf())

/* engine.c */
void	engine_main(void) __attribute__((__noreturn__));
/* route.c */
void	route_main(void) __attribute__((__noreturn__));
/* control.c */
void	control_main(void) __attribute__((__noreturn__));

/* Parse a config pushed by the parent; fatal if it does not parse. */
struct edge_conf *egd_conf_receive(struct reconf_stage *, int flags);

#endif /* EGD_H */
