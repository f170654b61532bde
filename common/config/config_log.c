/*
 * The LogLevel block of a config as log categories (log.h).
 */
#include "config.h"
#include "util/log.h"

unsigned int
conf_log_categories(const struct conf_loglevel *ll)
{
	unsigned int	mask = 0;

	if (ll->log_transit)
		mask |= LOGC_BIT(LOGC_TRANSIT);
	if (ll->log_normal)
		mask |= LOGC_BIT(LOGC_NORMAL);
	if (ll->dump_normal)
		mask |= LOGC_BIT(LOGC_DUMP_NORMAL);
	if (ll->log_control)
		mask |= LOGC_BIT(LOGC_CONTROL);
	if (ll->log_internal)
		mask |= LOGC_BIT(LOGC_INTERNAL);
	if (ll->log_ntp)
		mask |= LOGC_BIT(LOGC_NTP);
	switch (ll->level) {
	case WGLOG_DEBUG:
		mask |= LOGC_BIT(LOGC_WG) | LOGC_BIT(LOGC_WG_ERROR);
		break;
	case WGLOG_ERROR:
		mask |= LOGC_BIT(LOGC_WG_ERROR);
		break;
	case WGLOG_SILENT:
		break;
	}
	return mask;
}
