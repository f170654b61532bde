/*
 * Samples waiting for a channel above its high-water mark: one message
 * per key (a link), the newest, in the order the keys first came.  A
 * sample says what a link measures now, so while the peer process is
 * slow an older one of the same link is worth nothing and is replaced;
 * the table holds at most max keys, so memory stays bounded however
 * long the peer stalls.  Pure: no channel, no I/O; the caller flushes
 * the entries into its queue when it drains (coalesce_next()).
 */
#ifndef EG_COALESCE_H
#define EG_COALESCE_H

#include <stddef.h>
#include <stdint.h>

#define COALESCE_MAXDATA	128	/* payload bytes per message */

struct coalesce_stats {
	uint64_t	 replaced;	/* an older sample of the key dropped */
	uint64_t	 full;		/* a new key dropped: table full */
	uint64_t	 held;		/* taken in, in all */
};

struct coalesce;

/* NULL with errno (EINVAL for max 0 or above 1 << 24, ENOMEM). */
struct coalesce	*coalesce_new(size_t max);
void		 coalesce_free(struct coalesce *);
/*
 * Holds a message for key, replacing the one held for it: 1 for a new
 * key, 0 for a replacement (counted), -1 with EMSGSIZE (len above
 * COALESCE_MAXDATA) or ENOSPC (a new key, the table full: counted).
 */
int		 coalesce_put(struct coalesce *, uint64_t key, uint32_t type,
		    const void *, size_t len);
/* Messages held and not yet taken. */
size_t		 coalesce_count(const struct coalesce *);
/*
 * The oldest held message, taken out: 1 and its type, data (valid until
 * the next call of either function) and length; 0 when none is left.
 */
int		 coalesce_next(struct coalesce *, uint32_t *type,
		    const void **data, size_t *len);
void		 coalesce_stats(const struct coalesce *,
		    struct coalesce_stats *);

#endif /* EG_COALESCE_H */
