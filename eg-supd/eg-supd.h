/*
 * eg-supd, the supernode daemon: declarations shared by its four
 * processes (common/proc.h describes the process graph).
 */
#ifndef EG_SUPD_H
#define EG_SUPD_H

#include "config.h"
#include "proc.h"

#define SUPD_USER		"_egsupd"
#define SUPD_CONF		"/etc/eg-supd.conf"
#define SUPD_SOCKET		"/var/run/eg-supd.sock"
#define EG_CHROOT		"/var/empty"

void	supd_engine_main(void) __attribute__((__noreturn__));
void	supd_route_main(void) __attribute__((__noreturn__));
void	supd_control_main(void) __attribute__((__noreturn__));

/* Parse a config pushed by the parent; fatal if it does not parse. */
struct super_conf *supd_conf_receive(struct reconf_stage *, int flags);

#endif /* EG_SUPD_H */
