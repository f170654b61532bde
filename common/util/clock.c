/*
 * The wall clock in milliseconds (clock.h).
 */
#include <time.h>

#include "clock.h"

int64_t
clock_realtime_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
