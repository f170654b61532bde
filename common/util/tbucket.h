/*
 * A token bucket on the caller's clock: up to burst tokens, refilled
 * at rate tokens a second; each event that passes takes one.  Pure: no
 * clock of its own, so it can count per edge on seconds of any
 * monotonic clock and be tested on made-up times.  rate and burst come
 * with every call, so that a bucket is 16 bytes and a change of the
 * limits applies to every bucket at once.
 */
#ifndef EG_TBUCKET_H
#define EG_TBUCKET_H

struct tbucket {
	double	 tb_tokens;
	double	 tb_last;	/* when tb_tokens was right */
};

/* A full bucket at now. */
void	tbucket_init(struct tbucket *, double burst, double now);
/*
 * 1 and one token less if one is there at now, else 0.  A clock that
 * went back refills nothing; rate >= 0, burst >= 1.
 */
int	tbucket_take(struct tbucket *, double rate, double burst, double now);
/* Seconds from now until a token is there (0: one is). */
double	tbucket_wait(const struct tbucket *, double rate, double burst,
	    double now);

#endif /* EG_TBUCKET_H */
