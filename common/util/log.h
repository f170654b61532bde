/*
 * Logging in the manner of OpenBSD's daemons: syslog once daemonised,
 * stderr in the foreground (-d).  fatal() and log_warn() append
 * strerror(errno); the x variants do not.
 *
 * Besides verbosity, the config's LogLevel block switches categories of
 * messages on and off (LogTransit, LogNormal, ...); log_cat() writes a
 * message only when its category is on.
 */
#ifndef EG_LOG_H
#define EG_LOG_H

#include <stdarg.h>

enum log_cat {
	LOGC_TRANSIT,		/* frames neither from nor to this node */
	LOGC_NORMAL,		/* frames from or to this node */
	LOGC_DUMP_NORMAL,	/* hex dump of those frames */
	LOGC_CONTROL,		/* control messages */
	LOGC_INTERNAL,		/* routing and state changes */
	LOGC_NTP,		/* time synchronisation */
	LOGC_WG,		/* WireGuard session events (LogLevel debug) */
	LOGC_WG_ERROR,		/* WireGuard errors (LogLevel debug or error) */
	LOGC_MAX
};

#define LOGC_BIT(c)	(1U << (c))

typedef void	(*log_sink_fn)(int pri, const char *line);

void	log_init(int debug, int facility);
/* Children of a daemon hand their lines to the parent instead of syslog. */
void	log_setsink(log_sink_fn);
void	log_raw(int pri, const char *line);
void	log_procinit(const char *procname);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_setcats(unsigned int mask);
unsigned int log_getcats(void);
int	log_catenabled(enum log_cat);
const char *log_procname(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_cat(enum log_cat, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
void	fatal(const char *, ...)
	    __attribute__((__noreturn__, format(printf, 1, 2)));
void	fatalx(const char *, ...)
	    __attribute__((__noreturn__, format(printf, 1, 2)));

#endif /* EG_LOG_H */
