/*
 * The emulated WAN's namespaces and devices.  Node i's eth0 is a TAP
 * device made inside its namespace, so that its other side (the fd) is
 * ours while no device of ours ever sits in the caller's namespace.
 *
 * Address plan (README.md): the WAN is 10.99.0.0/24 and fd99::/64, the
 * port of node i is 10.99.0.i and fd99::i with MAC 02:99:00:00:00:i.
 * A NATed node i sits behind router namespace PREFIX-ri, which owns the
 * WAN port; the node has 10.99.i.2/24 on a veth to the router's
 * 10.99.i.1 and no IPv6 beyond link-local.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "netsim.h"

#define NETNS_DIR	"/run/netns"

static const char *kind_names[] = { "pub", "eim", "sym" };

const char *
node_kind_name(enum node_kind k)
{
	return kind_names[k];
}

int
node_kind_parse(const char *s, enum node_kind *kp)
{
	size_t	i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*kp = (enum node_kind)i;
			return 0;
		}
	return -1;
}

/* A prefix is 1..NS_PREFIX_MAX of [A-Za-z0-9_.]. */
int
env_check_prefix(const char *p)
{
	size_t	i, len = strlen(p);

	if (len == 0 || len > NS_PREFIX_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '.')
			return -1;
	return 0;
}

/* Writes value into a /proc/sys file of the current network namespace. */
static int
write_sysctl(const char *path, const char *value)
{
	int	fd, rv = 0;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (write(fd, value, strlen(value)) != (ssize_t)strlen(value)) {
		log_warn("%s", path);
		rv = -1;
	}
	close(fd);
	return rv;
}

/*
 * In namespace ns: sets the sysctls every namespace of ours wants and
 * makes TAP device eth0, whose fd goes to *tapfd (when not NULL).
 */
static int
ns_prepare(const char *ns, int forward, int *tapfd)
{
	struct ifreq	 ifr;
	char		 path[PATH_MAX];
	int		 self, target, fd = -1, rv = -1;

	snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, ns);
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("/proc/self/ns/net");
		return -1;
	}
	if ((target = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", path);
		close(self);
		return -1;
	}
	if (setns(target, CLONE_NEWNET) == -1) {
		log_warn("setns %s", ns);
		goto out;
	}
	/* Addresses are usable at once: no duplicate detection delay. */
	if (write_sysctl("/proc/sys/net/ipv6/conf/all/accept_dad", "0") ||
	    write_sysctl("/proc/sys/net/ipv6/conf/default/accept_dad", "0"))
		goto back;
	if (forward &&
	    write_sysctl("/proc/sys/net/ipv4/ip_forward", "1") == -1)
		goto back;
	if (tapfd != NULL) {
		/* The device belongs to the namespace current at open(). */
		if ((fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK |
		    O_CLOEXEC)) == -1) {
			log_warn("/dev/net/tun");
			goto back;
		}
		memset(&ifr, 0, sizeof(ifr));
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		strlcpy(ifr.ifr_name, "eth0", sizeof(ifr.ifr_name));
		if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
			log_warn("%s: TUNSETIFF eth0", ns);
			close(fd);
			fd = -1;
			goto back;
		}
		*tapfd = fd;
	}
	rv = 0;
 back:
	if (setns(self, CLONE_NEWNET) == -1)
		fatal("setns back to our own namespace");
 out:
	close(target);
	close(self);
	return rv;
}

static void
mac_string(const unsigned char *m, char *s, size_t len)
{
	snprintf(s, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
	    m[3], m[4], m[5]);
}

/* Permanent neighbour entries for every other WAN port. */
static void
static_neighbours(const struct ns_env *e, int self, int v6, struct ns_buf *b)
{
	const struct ns_node	*o;
	char			 mac[32];
	int			 j;

	for (j = 1; j <= e->e_nnodes; j++) {
		if (j == self)
			continue;
		o = &e->e_nodes[j];
		mac_string(o->n_mac, mac, sizeof(mac));
		buf_printf(b, "neigh replace 10.99.0.%d lladdr %s dev eth0 "
		    "nud permanent\n", j, mac);
		if (v6 && o->n_kind == NODE_PUB)
			buf_printf(b, "neigh replace fd99::%d lladdr %s "
			    "dev eth0 nud permanent\n", j, mac);
	}
}

/* The NAT router's ruleset; see README.md for what each kind does. */
static void
nat_rules(const struct ns_node *n, struct ns_buf *b)
{
	buf_printf(b,
	    "table ip netsim {\n"
	    "	chain postrouting {\n"
	    "		type nat hook postrouting priority srcnat;\n"
	    "		oifname \"eth0\" meta l4proto { tcp, udp } "
	    "snat to 10.99.0.%d:%d-%d%s\n"
	    "		oifname \"eth0\" snat to 10.99.0.%d\n"
	    "	}\n"
	    "	chain input {\n"
	    "		type filter hook input priority filter;\n"
	    "		iifname \"eth0\" ct state established,related accept\n"
	    "		iifname \"eth0\" drop\n"
	    "	}\n"
	    "	chain forward {\n"
	    "		type filter hook forward priority filter; policy drop;\n"
	    "		ct state established,related accept\n"
	    "		iifname \"eth1\" oifname \"eth0\" accept\n"
	    "	}\n"
	    "}\n",
	    n->n_id, NS_NAT_PORT_MIN, NS_NAT_PORT_MAX,
	    n->n_kind == NODE_SYM ? " fully-random" : "", n->n_id);
}

static int
netns_add(struct ns_node *n, const char *name, int bit)
{
	if (sys_run(NULL, "ip", "netns", "add", name, NULL) == -1)
		return -1;
	n->n_made |= bit;
	return 0;
}

static int
make_node(struct ns_env *e, struct ns_node *n)
{
	struct ns_buf	 b = { NULL, 0, 0 };
	const char	*port_ns;
	char		 mac[32];
	int		 rv = -1;

	port_ns = n->n_kind == NODE_PUB ? n->n_ns : n->n_rns;
	if (netns_add(n, n->n_ns, 1) == -1)
		return -1;
	if (n->n_kind != NODE_PUB && netns_add(n, n->n_rns, 2) == -1)
		return -1;
	if (ns_prepare(n->n_ns, 0, n->n_kind == NODE_PUB ? &n->n_tapfd :
	    NULL) == -1)
		return -1;
	if (n->n_kind != NODE_PUB &&
	    ns_prepare(n->n_rns, 1, &n->n_tapfd) == -1)
		return -1;

	mac_string(n->n_mac, mac, sizeof(mac));
	buf_printf(&b, "link set lo up\n"
	    "link set eth0 address %s\n"
	    "addr add 10.99.0.%d/24 dev eth0\n", mac, n->n_id);
	if (n->n_kind == NODE_PUB)
		buf_printf(&b, "addr add fd99::%d/64 dev eth0 nodad\n",
		    n->n_id);
	buf_printf(&b, "link set eth0 up\n");
	if (e->e_static_neigh)
		static_neighbours(e, n->n_id, n->n_kind == NODE_PUB, &b);
	if (n->n_kind != NODE_PUB)
		buf_printf(&b, "link add eth1 type veth peer name eth0 "
		    "netns %s\n"
		    "addr add 10.99.%d.1/24 dev eth1\n"
		    "link set eth1 up\n", n->n_ns, n->n_id);
	if (sys_run(b.b_data, "ip", "-n", port_ns, "-batch", "-",
	    NULL) == -1)
		goto out;

	if (n->n_kind != NODE_PUB) {
		b.b_len = 0;
		buf_printf(&b, "link set lo up\n"
		    "addr add 10.99.%d.2/24 dev eth0\n"
		    "link set eth0 up\n"
		    "route add default via 10.99.%d.1\n", n->n_id, n->n_id);
		if (sys_run(b.b_data, "ip", "-n", n->n_ns, "-batch", "-",
		    NULL) == -1)
			goto out;
		b.b_len = 0;
		nat_rules(n, &b);
		if (sys_run(b.b_data, "ip", "netns", "exec", n->n_rns, "nft",
		    "-f", "-", NULL) == -1)
			goto out;
	}
	rv = 0;
 out:
	buf_free(&b);
	return rv;
}

/*
 * Creates the namespaces and devices of every node e describes (ids,
 * kinds and prefix filled in).  On failure, whatever was made is left
 * for env_destroy().
 */
int
env_create(struct ns_env *e)
{
	struct ns_node	*n;
	struct stat	 st;
	char		 path[PATH_MAX];
	int		 i;

	for (i = 1; i <= e->e_nnodes; i++) {
		n = &e->e_nodes[i];
		n->n_id = i;
		n->n_tapfd = -1;
		memcpy(n->n_mac, "\x02\x99\x00\x00\x00", 5);
		n->n_mac[5] = (unsigned char)i;
		snprintf(n->n_ns, sizeof(n->n_ns), "%s-n%d", e->e_prefix, i);
		if (n->n_kind != NODE_PUB)
			snprintf(n->n_rns, sizeof(n->n_rns), "%s-r%d",
			    e->e_prefix, i);
	}
	for (i = 1; i <= e->e_nnodes; i++) {
		n = &e->e_nodes[i];
		snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, n->n_ns);
		if (stat(path, &st) == 0) {
			log_warnx("namespace %s exists: a run with prefix %s "
			    "is going or left it (netsim cleanup %s)",
			    n->n_ns, e->e_prefix, e->e_prefix);
			return -1;
		}
	}
	for (i = 1; i <= e->e_nnodes; i++)
		if (make_node(e, &e->e_nodes[i]) == -1) {
			log_warnx("node %d: setup failed", i);
			return -1;
		}
	return 0;
}

/* Ends the processes in our namespaces, then deletes them and devices. */
void
env_destroy(struct ns_env *e)
{
	struct ns_node	*n;
	char		**names;
	int		  i, nnames = 0;

	if ((names = calloc(2 * e->e_nnodes + 1, sizeof(*names))) == NULL)
		fatal("calloc");
	for (i = 1; i <= e->e_nnodes; i++) {
		n = &e->e_nodes[i];
		if (n->n_tapfd != -1) {
			close(n->n_tapfd);
			n->n_tapfd = -1;
		}
		if (n->n_made & 1)
			names[nnames++] = n->n_ns;
		if (n->n_made & 2)
			names[nnames++] = n->n_rns;
	}
	if (sys_kill_netns(names, nnames) > 0)
		log_warnx("processes remain in our namespaces");
	for (i = 0; i < nnames; i++)
		sys_run(NULL, "ip", "netns", "delete", names[i], NULL);
	for (i = 1; i <= e->e_nnodes; i++)
		e->e_nodes[i].n_made = 0;
	free(names);
}

/* One line per node: "ID KIND NS ROUTER-NS|- WAN-ADDR HOST-ADDR". */
void
env_nodes(const struct ns_env *e, struct ns_buf *b)
{
	const struct ns_node	*n;
	int			 i;

	for (i = 1; i <= e->e_nnodes; i++) {
		n = &e->e_nodes[i];
		if (n->n_kind == NODE_PUB)
			buf_printf(b, "%d pub %s - 10.99.0.%d 10.99.0.%d\n",
			    i, n->n_ns, i, i);
		else
			buf_printf(b, "%d %s %s %s 10.99.0.%d 10.99.%d.2\n", i,
			    node_kind_name(n->n_kind), n->n_ns, n->n_rns, i,
			    i);
	}
}

/* Does /proc/pid/cmdline read "...netsim ... start ... -p prefix ..."? */
static int
is_emulator_of(pid_t pid, const char *prefix)
{
	char	 path[64], args[4096], *a, *end, *base;
	ssize_t	 n;
	int	 fd, start = 0, match = 0, prev_p = 0;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, args, sizeof(args) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	args[n] = '\0';
	end = args + n;
	base = strrchr(args, '/');
	base = base ? base + 1 : args;
	if (strcmp(base, "netsim") != 0)
		return 0;
	for (a = args + strlen(args) + 1; a < end; a += strlen(a) + 1) {
		if (strcmp(a, "start") == 0)
			start = 1;
		if ((prev_p && strcmp(a, prefix) == 0) ||
		    (strncmp(a, "-p", 2) == 0 && strcmp(a + 2, prefix) == 0))
			match = 1;
		prev_p = strcmp(a, "-p") == 0;
	}
	return start && match;
}

/* Sends sig to every emulator started with this prefix; how many. */
static int
signal_emulators(const char *prefix, int sig)
{
	struct dirent	*de;
	DIR		*d;
	pid_t		 pid;
	char		*end;
	int		 n = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		pid = (pid_t)strtol(de->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == getpid())
			continue;
		if (is_emulator_of(pid, prefix)) {
			kill(pid, sig);
			n++;
		}
	}
	closedir(d);
	return n;
}

/*
 * Removes what a run with this prefix left: its emulator (which tears
 * down its own namespaces on SIGTERM), then any namespace PREFIX-* and
 * the processes in it.  Returns 0 when nothing is left.
 */
int
env_cleanup_prefix(const char *prefix)
{
	struct timespec	 ts = { 0, 50 * 1000000L };
	struct dirent	*de;
	DIR		*d;
	char		**names = NULL, **nn;
	size_t		 plen = strlen(prefix);
	int		 i, n = 0, tries;

	for (tries = 0; signal_emulators(prefix, 0) > 0; tries++) {
		if (tries == 0)
			signal_emulators(prefix, SIGTERM);
		else if (tries == 100)
			signal_emulators(prefix, SIGKILL);
		else if (tries > 200) {
			log_warnx("an emulator of %s does not exit", prefix);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	if ((d = opendir(NETNS_DIR)) == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    de->d_name[plen] != '-')
			continue;
		if ((nn = reallocarray(names, n + 1, sizeof(*names))) == NULL)
			fatal("reallocarray");
		names = nn;
		if ((names[n++] = strdup(de->d_name)) == NULL)
			fatal("strdup");
	}
	closedir(d);
	if (n > 0)
		sys_kill_netns(names, n);
	for (i = 0; i < n; i++) {
		sys_run(NULL, "ip", "netns", "delete", names[i], NULL);
		free(names[i]);
	}
	free(names);
	return 0;
}
