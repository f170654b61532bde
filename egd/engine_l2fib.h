/*
 * The L2 forwarding table: which node a MAC address was last seen behind,
 * learned from the source addresses of frames received from the overlay,
 * each entry living L2FIBTimeout seconds.  Bounded: a flood of forged
 * source addresses can fill it but not grow it past its limit; the
 * oldest entries then make room.  Each node may hold at most its share
 * of the entries (L2FIBNodeLimit), so that one host flooding source
 * addresses behind one node cannot evict what the others learned: a
 * new address beyond the share is not learned (the frame is still
 * delivered; the caller counts the refusal).
 */
#ifndef EG_L2FIB_H
#define EG_L2FIB_H

#include <stddef.h>
#include <stdint.h>

#define L2FIB_MAX_ENTRIES	65536
#define L2FIB_NODE_LIMIT	8192	/* default share of one node */

struct l2fib_entry {
	uint8_t		mac[6];
	uint16_t	node;
	uint64_t	expires;	/* ns, same clock as `now' */
};

struct l2fib {
	struct l2fib_entry	*slots;		/* node 0xffff + expires 0: free */
	size_t			 cap;		/* power of two */
	size_t			 count;
	size_t			 limit;
	size_t			 node_limit;	/* entries of one node */
	uint32_t		*per_node;	/* [65536] entries by node */
	uint64_t		 lifetime;	/* ns */
	uint8_t			 key[16];	/* hash key, random */
};

int	l2fib_init(struct l2fib *, double lifetime_s, size_t limit);
void	l2fib_free(struct l2fib *);
void	l2fib_set_lifetime(struct l2fib *, double lifetime_s);
/* Entries one node may hold (0 or above the table's limit: the limit). */
void	l2fib_set_node_limit(struct l2fib *, size_t);
/*
 * Remember that mac is behind node: 0, or -1 if it is new to the node
 * and the node holds its share already (nothing changes then).
 */
int	l2fib_learn(struct l2fib *, const uint8_t mac[6], uint16_t node,
	    uint64_t now);
/* How many entries node holds. */
size_t	l2fib_node_count(const struct l2fib *, uint16_t node);
/* The node behind mac, or NODEID_INVALID if unknown or expired. */
uint16_t l2fib_lookup(struct l2fib *, const uint8_t mac[6], uint64_t now);
/* Drop expired entries. */
void	l2fib_expire(struct l2fib *, uint64_t now);

#endif /* EG_L2FIB_H */
