/*
 * The wall clock in milliseconds since the epoch, as the EdgeAPI and the
 * Manage API stamp their requests.
 */
#ifndef EG_UTIL_CLOCK_H
#define EG_UTIL_CLOCK_H

#include <stdint.h>

int64_t	clock_realtime_ms(void);

#endif /* EG_UTIL_CLOCK_H */
