/*
 * egd's route process, in parts: route_nhtable.c is the process and
 * the table in force (static: the config's, super: the supernode's);
 * route_p2p.c runs the route engine (common/route/route.h) on the Pongs
 * the engine floods and hears in P2P mode, and hands the engine the
 * next-hop table it computes.
 */
#ifndef EGD_ROUTE_H
#define EGD_ROUTE_H

#include "config/config.h"
#include "proc/proc.h"

/* The config could run P2P mode's route engine; -1 with why if not. */
int		 route_p2p_check(const struct edge_conf *, char *, size_t);
/* P2P mode from this config on, or (not use_p2p) off. */
void		 route_p2p_configure(const struct edge_conf *,
		    struct proc_chan chans[PROC_MAX]);
int		 route_p2p_on(void);
/* IMSG_EGD_P2P_PONG from the engine. */
void		 route_p2p_pong(struct imsg *);
/* The table again, to an engine that starts using it. */
void		 route_p2p_resend(void);
/* The table computed last (empty before the first computation). */
const struct conf_nhtable *route_p2p_table(void);
/* The distance of the chosen path in ms, NAN if none. */
double		 route_p2p_dist(uint16_t, uint16_t);
void		 route_p2p_show_links(struct proc_chan *, uint32_t client);
void		 route_p2p_free(void);

#endif /* EGD_ROUTE_H */
