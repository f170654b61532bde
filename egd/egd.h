/*
 * egd, the edge daemon: declarations shared by its four processes.
 * The process graph and the framework are in common/proc/proc.h; the
 * message types in egd_imsg.h.
 */
#ifndef EGD_H
#define EGD_H

#include "config/config.h"
#include "egd_imsg.h"
#include "proc/parent.h"
#include "proc/proc.h"

#define EGD_USER		"_egd"
#define EGD_CONF		"/etc/eg.conf"
#define EGD_SOCKET		"/var/run/egd.sock"

/* parent_setup.c: the parent's privileged work for the engine */
int	egd_setup(void *conf);
void	egd_started(void *conf, struct proc_chan chans[PROC_MAX]);
void	egd_reloaded(void *conf, const void *old,
	    struct proc_chan chans[PROC_MAX]);
void	egd_dispatch_engine(struct proc_chan *, struct imsg *);
void	egd_reaped(pid_t, int);
/*
 * parent_endpoints.c: a round of the peers' endpoints (and the
 * supernode's), each to the engine as it is resolved; done(arg) when
 * the last one answered.
 */
struct egd_endpoints_round {
	struct proc_chan	*engine;
	int			 statics_only;	/* the interval's round */
	int			 supernode;	/* also the supernode's */
	int			 have4, have6;	/* families in use */
	void			(*done)(void *);
	void			*arg;
};
void	egd_endpoints_ask(const struct edge_conf *,
	    const struct edge_conf *old, const struct egd_endpoints_round *);
/* parent_super.c: the parent's part in super mode; done(arg) once up. */
void	egd_super_start(const struct edge_conf *, struct proc_chan *,
	    int have4, int have6, int port, const char *ovl_ifname,
	    void (*done)(void *), void *arg);
int	egd_super_running(void);
/* 0, or -1 and why super mode could not start with conf (-n too). */
int	egd_super_runnable(const struct edge_conf *, char *why, size_t len);
/* A reload: what the parent must do for super mode, checked, then done. */
int	egd_super_prepare(const void *cur, const void *next, char *why,
	    size_t len);
void	egd_super_reloaded(const struct edge_conf *,
	    const struct edge_conf *old);
void	egd_super_dispatch(struct proc_chan *, struct imsg *);
void	egd_super_shutdown(struct imsg *) __attribute__((__noreturn__));
/*
 * parent_savepeers.c: the config file's Peers become v, or (keep) the
 * config's and those of v it lacks.
 */
struct edgeapi_peer;
int	egd_save_peers(const struct edgeapi_peer *v, size_t n, int keep);
/* parent_p2p.c: SaveNewPeers for the peers P2P mode learns */
void	egd_p2p_learned(struct imsg *);
void	egd_p2p_reloaded(void);
/* parent_apidial.c: dials the EdgeAPI for control */
void	egd_apidial_init(struct proc_chan *, const struct sockaddr_storage *);
void	egd_apidial_addr(const struct sockaddr_storage *);
void	egd_apidial_request(struct imsg *);
#define parent_conf_edge()	((const struct edge_conf *)parent_conf())

/*
 * egd_nhtable.c: IMSG_EGD_NH and IMSG_EGD_NH_DONE (or the P2P_ pair)
 * into the table; 1 when it is complete (sorted for conf_nexthop()),
 * fatal if bad.
 */
int	egd_nhtable_imsg(struct conf_nhtable *, struct imsg *);

/* engine.c */
void	engine_main(void) __attribute__((__noreturn__));
/* route_nhtable.c */
void	route_main(void) __attribute__((__noreturn__));
/* control.c */
void	control_main(void) __attribute__((__noreturn__));

/* parent.c: the daemon's side of the parent (common/proc/parent.c) */
struct parent_ops;
extern const struct parent_ops egd_parent_ops;
void	*egd_parse(const char *name, const char *buf, size_t len,
	    struct conf_diags *, int flags);

#endif /* EGD_H */
