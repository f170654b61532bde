/*
 * Logging: see log.h.  Every line carries the process name so that the
 * four processes of a daemon can be told apart in one log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int		 log_debug_mode = 1;	/* stderr until log_init */
static int		 log_verbose;
static unsigned int	 log_cats = LOGC_BIT(LOGC_INTERNAL) |
			    LOGC_BIT(LOGC_CONTROL) | LOGC_BIT(LOGC_WG_ERROR);
static const char	*log_proc = "";
static log_sink_fn	 log_sink;

void
log_init(int debug, int facility)
{
	extern char *__progname;

	log_debug_mode = debug;
	if (!debug)
		openlog(__progname, LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_procinit(const char *procname)
{
	if (procname != NULL)
		log_proc = procname;
}

const char *
log_procname(void)
{
	return log_proc;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
log_setcats(unsigned int mask)
{
	log_cats = mask;
}

unsigned int
log_getcats(void)
{
	return log_cats;
}

int
log_catenabled(enum log_cat c)
{
	return (log_cats & LOGC_BIT(c)) != 0;
}

void
log_setsink(log_sink_fn fn)
{
	log_sink = fn;
}

/* Writes a finished line: stderr, the sink, or syslog. */
void
log_raw(int pri, const char *line)
{
	int	saved_errno = errno;

	if (log_debug_mode) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
	} else if (log_sink != NULL)
		log_sink(pri, line);
	else
		syslog(pri, "%s", line);
	errno = saved_errno;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	msg[2048], line[2100];
	int	saved_errno = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_proc[0] != '\0')
		snprintf(line, sizeof(line), "%s: %s", log_proc, msg);
	else
		strlcpy(line, msg, sizeof(line));
	log_raw(pri, line);
	errno = saved_errno;
}

static void
logit(int pri, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Logs fmt followed by ": strerror(errno)", or only the error. */
static void
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char	buf[2048];
	int	saved_errno = errno;

	if (fmt == NULL)
		logit(pri, "%s", strerror(saved_errno));
	else {
		vsnprintf(buf, sizeof(buf), fmt, ap);
		logit(pri, "%s: %s", buf, strerror(saved_errno));
	}
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_cat(enum log_cat c, const char *fmt, ...)
{
	va_list	ap;

	if (!log_catenabled(c))
		return;
	va_start(ap, fmt);
	vlog(c == LOGC_WG_ERROR ? LOG_ERR : LOG_INFO, fmt, ap);
	va_end(ap);
}

/*
 * A fatal error's line holds the fixed marker "fatal in PROC: " in place
 * of the usual "PROC: ", so that a daemon's death can be found in its
 * log (egd(8) and eg-supd(8), DIAGNOSTICS).
 */
static void __attribute__((__noreturn__))
vfatal(int with_errno, const char *fmt, va_list ap)
{
	extern char	*__progname;
	char		 msg[2048], line[2100];
	int		 saved_errno = errno;

	if (fmt != NULL)
		vsnprintf(msg, sizeof(msg), fmt, ap);
	else
		msg[0] = '\0';
	snprintf(line, sizeof(line), "fatal in %s: %s%s%s",
	    log_proc[0] != '\0' ? log_proc : __progname, msg,
	    with_errno && fmt != NULL ? ": " : "",
	    with_errno ? strerror(saved_errno) : "");
	log_raw(LOG_CRIT, line);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfatal(1, fmt, ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vfatal(0, fmt, ap);
}
