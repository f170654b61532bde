/*
 * Token buckets (tbucket.h).
 */
#include <math.h>

#include "tbucket.h"

void
tbucket_init(struct tbucket *tb, double burst, double now)
{
	tb->tb_tokens = burst;
	tb->tb_last = now;
}

static double
tbucket_level(const struct tbucket *tb, double rate, double burst,
    double now)
{
	double	 t = tb->tb_tokens;

	if (now > tb->tb_last)
		t += (now - tb->tb_last) * rate;
	return fmin(t, burst);
}

int
tbucket_take(struct tbucket *tb, double rate, double burst, double now)
{
	double	 t = tbucket_level(tb, rate, burst, now);

	if (now > tb->tb_last)
		tb->tb_last = now;
	if (t < 1) {
		tb->tb_tokens = t;
		return 0;
	}
	tb->tb_tokens = t - 1;
	return 1;
}

double
tbucket_wait(const struct tbucket *tb, double rate, double burst,
    double now)
{
	double	 t = tbucket_level(tb, rate, burst, now);

	if (t >= 1)
		return 0;
	return rate > 0 ? (1 - t) / rate : HUGE_VAL;
}
