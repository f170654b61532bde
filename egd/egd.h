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

#define EGD_USER		"_egd"
#define EGD_CONF		"/etc/eg.conf"
#define EGD_SOCKET		"/var/run/egd.sock"
#define EG_CHROOT		"/var/empty"

/* engine.c */
void	engine_main(void) __attribute__((__noreturn__));
/* route.c */
void	route_main(void) __attribute__((__noreturn__));
/* control.c */
void	control_main(void) __attribute__((__noreturn__));

/* Parse a config pushed by the parent; fatal if it does not parse. */
struct edge_conf *egd_conf_receive(struct reconf_stage *, int flags);

#endif /* EGD_H */
