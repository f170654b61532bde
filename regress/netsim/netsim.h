/*
 * netsim: a user-space WAN emulator for multi-node tests.  One process
 * holds the far side of every node's eth0 (a TAP device) and switches
 * frames between them with a per-direction delay, jitter, loss rate and
 * link state.  See README.md for the address plan and the command set.
 */
#ifndef NETSIM_H
#define NETSIM_H

#include <stddef.h>
#include <stdint.h>

#define NS_MAXNODES	250		/* node ids 1..NS_MAXNODES */
#define NS_PREFIX_MAX	32
#define NS_NAME_MAX	64		/* namespace names */
#define NS_REQ_MAX	1024		/* one control request line */
#define NS_DELAY_MAX_MS	60000.0
#define NS_LIMIT_DEFAULT 5000		/* frames queued per ordered pair */
#define NS_LIMIT_MAX	100000
#define NS_QUEUE_MAX	50000		/* frames queued in all */
#define NS_FRAME_MAX	65536		/* largest frame read from a TAP */
#define NS_NAT_PORT_MIN	20000		/* ports a NAT maps to */
#define NS_NAT_PORT_MAX	59999

enum node_kind {
	NODE_PUB,		/* eth0 on the emulated WAN */
	NODE_EIM,		/* behind an endpoint-independent mapping NAT */
	NODE_SYM		/* behind an address/port-dependent mapping NAT */
};

/* A growing text buffer for control replies. */
struct ns_buf {
	char	*b_data;
	size_t	 b_len;
	size_t	 b_cap;
};

void	 buf_printf(struct ns_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_free(struct ns_buf *);

/* ctl_parse.c: the control request grammar, free of I/O. */
enum ctl_op {
	CTL_SET,		/* set parameters of src->dst */
	CTL_STATS,
	CTL_SHOW,
	CTL_NODES,
	CTL_CLEAR,
	CTL_STOP
};

#define CTL_P_DELAY	0x01
#define CTL_P_JITTER	0x02
#define CTL_P_LOSS	0x04
#define CTL_P_LIMIT	0x08
#define CTL_P_STATE	0x10

struct ctl_req {
	enum ctl_op	 op;
	int		 src;		/* node id, 0 for all */
	int		 dst;		/* node id, 0 for all */
	int		 both;		/* also dst->src */
	unsigned int	 params;	/* CTL_P_* given */
	uint64_t	 delay_ns;
	uint64_t	 jitter_ns;
	double		 loss;		/* probability 0..1 */
	uint32_t	 limit;
	int		 down;
};

int	 ctl_parse(const char *, int, struct ctl_req *, char *, size_t);

/* fwd.c: the switch and its delay line. */
struct fwd;

struct fwd	*fwd_new(int, uint64_t);
void		 fwd_free(struct fwd *);
void		 fwd_port(struct fwd *, int, int, const unsigned char *);
int		 fwd_input(struct fwd *, int, uint64_t);
void		 fwd_release(struct fwd *, uint64_t);
uint64_t	 fwd_next_release(const struct fwd *);
void		 fwd_apply(struct fwd *, const struct ctl_req *);
void		 fwd_stats(const struct fwd *, int, int, struct ns_buf *);
void		 fwd_show(const struct fwd *, int, int, struct ns_buf *);
void		 fwd_clear(struct fwd *);
uint64_t	 mono_ns(void);

/* nsenv.c: namespaces, devices and NAT rules. */
struct ns_node {
	int		 n_id;
	enum node_kind	 n_kind;
	int		 n_tapfd;		/* our side of eth0, -1 if none */
	unsigned char	 n_mac[6];
	char		 n_ns[NS_NAME_MAX];	/* the host's namespace */
	char		 n_rns[NS_NAME_MAX];	/* its NAT router's, or "" */
	int		 n_made;		/* namespaces we created */
};

struct ns_env {
	char		 e_prefix[NS_PREFIX_MAX + 1];
	int		 e_nnodes;
	int		 e_static_neigh;	/* permanent ARP/ND entries */
	struct ns_node	 e_nodes[NS_MAXNODES + 1];
};

int		 env_check_prefix(const char *);
int		 env_create(struct ns_env *);
void		 env_destroy(struct ns_env *);
int		 env_cleanup_prefix(const char *);
const char	*node_kind_name(enum node_kind);
int		 node_kind_parse(const char *, enum node_kind *);
void		 env_nodes(const struct ns_env *, struct ns_buf *);

/* sysrun.c: running ip(8) and nft(8). */
int	 sys_run(const char *, const char *, ...);
int	 sys_kill_netns(char *const *, int);

/* daemon.c: the event loop. */
struct sim_opts {
	const char	*rundir;
	uint64_t	 seed;		/* 0: random */
	int		 watch_pid;	/* exit when it does, 0: none */
	int		 foreground;
	int		 rtprio;	/* SCHED_FIFO priority, 0: none */
};

int	 sim_start(struct ns_env *, const struct sim_opts *);

#endif /* NETSIM_H */
