/*
 * Newest-per-key holding of samples (coalesce.h).  Entries sit in an
 * array in the order their keys came; an open-addressing index maps a
 * key to its entry.  Taking moves a head forward; an entry behind the
 * head is gone, and a key whose entry is behind it is new again.  When
 * the head reaches the end, the table is empty and starts over.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coalesce.h"

#define NOENT	UINT32_MAX

struct centry {
	uint64_t	 key;
	uint32_t	 type;
	uint32_t	 len;
	uint8_t		 data[COALESCE_MAXDATA];
};

struct coalesce {
	struct centry		*ent;
	size_t			 max;
	size_t			 n;		/* entries used */
	size_t			 head;		/* first not taken */
	uint32_t		*index;		/* entry number or NOENT */
	size_t			 icap;		/* power of two, >= 2 max */
	struct coalesce_stats	 st;
};

struct coalesce *
coalesce_new(size_t max)
{
	struct coalesce	*c;
	size_t		 i;

	if (max == 0 || max > (1U << 24)) {
		errno = EINVAL;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->max = max;
	for (c->icap = 16; c->icap < 2 * max; c->icap *= 2)
		;
	if ((c->ent = calloc(max, sizeof(*c->ent))) == NULL ||
	    (c->index = calloc(c->icap, sizeof(*c->index))) == NULL) {
		coalesce_free(c);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < c->icap; i++)
		c->index[i] = NOENT;
	return c;
}

void
coalesce_free(struct coalesce *c)
{
	if (c == NULL)
		return;
	free(c->ent);
	free(c->index);
	free(c);
}

static size_t
slot_of(const struct coalesce *c, uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (c->icap - 1);
}

/* Drops the entries taken: the rest move to the front, indexed anew. */
static void
compact(struct coalesce *c)
{
	size_t	 i, s, live = c->n - c->head;

	memmove(c->ent, c->ent + c->head, live * sizeof(*c->ent));
	c->n = live;
	c->head = 0;
	for (i = 0; i < c->icap; i++)
		c->index[i] = NOENT;
	for (i = 0; i < live; i++) {
		for (s = slot_of(c, c->ent[i].key); c->index[s] != NOENT;
		    s = (s + 1) & (c->icap - 1))
			;
		c->index[s] = (uint32_t)i;
	}
}

int
coalesce_put(struct coalesce *c, uint64_t key, uint32_t type,
    const void *data, size_t len)
{
	struct centry	*e;
	size_t		 s;
	uint32_t	 i;
	int		 fresh;

	if (len > COALESCE_MAXDATA) {
		errno = EMSGSIZE;
		return -1;
	}
	/*
	 * Probe for the key; an entry already taken stops the probe as a
	 * free slot would not, since later keys may lie beyond it.
	 */
	for (s = slot_of(c, key); (i = c->index[s]) != NOENT;
	    s = (s + 1) & (c->icap - 1))
		if (c->ent[i].key == key && i >= c->head)
			break;
	if (i == NOENT && c->n == c->max && c->head > 0) {
		compact(c);
		return coalesce_put(c, key, type, data, len);
	}
	if ((fresh = i == NOENT)) {
		if (c->n == c->max) {
			c->st.full++;
			errno = ENOSPC;
			return -1;
		}
		i = (uint32_t)c->n++;
		c->index[s] = i;
	} else
		c->st.replaced++;
	e = &c->ent[i];
	e->key = key;
	e->type = type;
	e->len = (uint32_t)len;
	if (len > 0)
		memcpy(e->data, data, len);
	c->st.held++;
	return fresh;
}

size_t
coalesce_count(const struct coalesce *c)
{
	return c->n - c->head;
}

int
coalesce_next(struct coalesce *c, uint32_t *type, const void **data,
    size_t *len)
{
	struct centry	*e;

	if (c->head == c->n) {
		if (c->n > 0)
			compact(c);
		return 0;
	}
	e = &c->ent[c->head++];
	*type = e->type;
	*data = e->data;
	*len = e->len;
	return 1;
}

void
coalesce_stats(const struct coalesce *c, struct coalesce_stats *st)
{
	*st = c->st;
}
