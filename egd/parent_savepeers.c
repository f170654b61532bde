/*
 * SaveNewPeers in egd's parent: the config file written again with the
 * peers this edge learned (the supernode's list, or the peers P2P
 * mode's BroadcastPeers added), so that a restart without the supernode
 * or the network's help still knows them.  The file is the config as
 * it stands in memory, printed with its secrets, and replaced with
 * rename(2), so that a crash leaves the old file or the new one.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "edgeapi/edgeapi.h"
#include "egd.h"
#include "proc/ctl.h"
#include "util/addr.h"
#include "util/log.h"

static int
write_file(const char *path, const char *yaml, size_t len)
{
	char	tmp[PATH_MAX];
	size_t	off;
	ssize_t	n = 0;
	int	fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp) || (fd = mkstemp(tmp)) == -1)
		return -1;
	for (off = 0; off < len; off += n)
		if ((n = write(fd, yaml + off, len - off)) <= 0)
			break;
	if (off != len || fchmod(fd, 0600) == -1 || fsync(fd) == -1) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * What a child says is checked here again: root writes it into a file
 * root reads, and a child may be the one an attacker holds.
 */
static int
peer_ok(const struct edgeapi_peer *p, uint16_t me)
{
	const struct sockaddr_storage	*ss = &p->endpoints[0];

	if (p->node_id > NODEID_MAX_VALID || p->node_id == me ||
	    p->nendpoints > SUPER_MAX_ENDPOINTS || p->has_psk > 1)
		return 0;
	if (p->nendpoints == 0)
		return 1;
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_port != 0;
	if (ss->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)ss)->sin6_port != 0;
	return 0;
}

static int
set_peer(struct conf_edge_peer *cp, const struct edgeapi_peer *p)
{
	char	ep[CTL_ENDPOINT_LEN];

	memset(cp, 0, sizeof(*cp));
	cp->node_id = p->node_id;
	memcpy(cp->pubkey.key, p->pubkey, 32);
	cp->pubkey.set = 1;
	if (p->has_psk) {
		memcpy(cp->psk.key, p->psk, 32);
		cp->psk.set = 1;
	}
	ep[0] = '\0';
	if (p->nendpoints > 0)
		sockaddr_str((const struct sockaddr *)&p->endpoints[0], ep,
		    sizeof(ep));
	return (cp->endpoint = strdup(ep)) == NULL ? -1 : 0;
}

/*
 * The config's Peers become v[0..n-1], or with keep, the config's
 * first and then those of v whose NodeID it lacks.
 */
int
egd_save_peers(const struct edgeapi_peer *v, size_t n, int keep)
{
	const struct edge_conf	*cur = parent_conf_edge();
	struct conf_diags	 d;
	struct edge_conf	*c;
	char			*yaml;
	size_t			 len, i, k, nold;
	int			 rc = -1;

	/* A list with one peer no config can hold is not a list to keep. */
	for (i = 0; i < n; i++)
		if (!peer_ok(&v[i], cur->node_id)) {
			log_warnx("SaveNewPeers: peer %u (entry %zu) is not one a "
			    "config can hold: %s left as it is", v[i].node_id, i,
			    cur->path);
			return -1;
		}
	if ((yaml = conf_dump_edge(cur, CONF_PRINT_SECRETS, &len)) == NULL)
		return -1;
	memset(&d, 0, sizeof(d));
	c = conf_parse_edge(cur->path, yaml, len, &d, 0);
	sodium_memzero(yaml, len);
	free(yaml);
	conf_diags_free(&d);
	if (c == NULL)
		return -1;
	nold = keep ? c->npeers : 0;
	for (i = nold; i < c->npeers; i++)
		free(c->peers[i].endpoint);
	c->npeers = nold;
	if ((c->peers = reallocarray(c->peers, nold + n + 1,
	    sizeof(*c->peers))) == NULL)
		fatal("peers");
	for (i = 0; i < n; i++) {
		for (k = 0; k < nold; k++)
			if (c->peers[k].node_id == v[i].node_id)
				break;
		if (k < nold)
			continue;
		if (set_peer(&c->peers[c->npeers], &v[i]) == -1)
			fatal("peers");
		c->npeers++;
	}
	yaml = conf_dump_edge(c, CONF_PRINT_SECRETS, &len);
	k = c->npeers;
	conf_free_edge(c);
	if (yaml == NULL)
		return -1;
	/* What is written must load as it is, with every peer in it. */
	memset(&d, 0, sizeof(d));
	c = conf_parse_edge(cur->path, yaml, len, &d, 0);
	conf_diags_free(&d);
	if (c == NULL || c->npeers != k) {
		log_warnx("SaveNewPeers: the file with the new peers would not "
		    "load as written: %s left as it is", cur->path);
		if (c != NULL)
			conf_free_edge(c);
		goto out;
	}
	conf_free_edge(c);
	if (write_file(cur->path, yaml, len) == -1)
		log_warn("SaveNewPeers: %s", cur->path);
	else {
		log_info("SaveNewPeers: %zu peers written to %s", k,
		    cur->path);
		rc = 0;
	}
out:
	sodium_memzero(yaml, len);
	free(yaml);
	return rc;
}
