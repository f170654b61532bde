/*
 * The gen file of egctl gencfg, read with the config module's YAML tree
 * and schema walker, so its errors read like a config's: file, line,
 * column, key.  Only "Edge Nodes" (a mapping keyed by NodeID) is walked
 * here by hand.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "gencfg.h"

#define K_STR(n, f, c)	{ .name = (n), .kind = CK_STR,			\
	.off = offsetof(S, f), .check = (c) }
#define K_BOOL(n, f)	{ .name = (n), .kind = CK_BOOL, .off = offsetof(S, f) }
#define K_END		{ .name = NULL, .kind = CK_END }

#define S struct gen_super
static const struct ckey super_keys_gen[] = {
	{ .name = "Listen port", .kind = CK_INT,
	    .off = offsetof(S, listen_port), .min = 1, .max = 65535,
	    .flags = CF_REQUIRED },
	K_STR("EdgeAPI prefix", api_prefix, SC_API_PREFIX),
	K_STR("Endpoint(IPv4)(optional)", endpoint_v4, SC_ANY),
	K_STR("Endpoint(IPv6)(optional)", endpoint_v6, SC_ANY),
	K_STR("Endpoint(EdgeAPI)", edge_api_url, SC_URL),
	K_END
};
#undef S

#define S struct gen_edge
static const struct ckey edge_keys_gen[] = {
	K_STR("Node IDs", node_ids, SC_ANY),
	K_STR("MacAddress prefix", mac_prefix, SC_MACPREFIX),
	K_STR("IPv4 range", ipv4_range, SC_CIDR4),
	K_STR("IPv6 range", ipv6_range, SC_CIDR6),
	K_STR("IPv6 LL range", ipv6_ll_range, SC_CIDR6),
	K_END
};
#undef S

#define S struct gen_node
static const struct ckey node_keys_gen[] = {
	K_STR("Endpoint(optional)", endpoint, SC_ENDPOINT),
	K_END
};
#undef S

#define S struct gen_input
static const struct ckey gen_keys[] = {
	K_STR("Config output dir", output_dir, SC_ANY),
	K_BOOL("Enable generated config overwrite", overwrite),
	K_BOOL("Add NodeID to the interface name", nodeid_in_ifname),
	K_STR("ConfigTemplate for super node", super_template, SC_ANY),
	K_STR("ConfigTemplate for edge node", edge_template, SC_ANY),
	K_STR("Network name", network_name, SC_ANY),
	{ .name = "Super Node", .kind = CK_BLOCK,
	    .off = offsetof(S, super), .sub = super_keys_gen },
	{ .name = "Edge Node", .kind = CK_BLOCK,
	    .off = offsetof(S, edge), .sub = edge_keys_gen },
	K_STR("Distance matrix for all nodes", matrix, SC_ANY),
	K_END
};
#undef S

static const char edge_nodes_key[] = "Edge Nodes";

static int
node_cmp(const void *a, const void *b)
{
	const struct gen_node	*x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* "Edge Nodes": NodeID -> { Endpoint(optional): host:port }. */
static void
walk_edge_nodes(struct cparse *cp, struct gen_input *in,
    const struct ynode *map)
{
	const struct ynode	*kn, *vn;
	struct gen_node		*gn;
	char			 path[64];
	long long		 id;
	size_t			 i;

	if (map->type == YN_NULL)
		return;
	if (map->type != YN_MAP) {
		cp_error(cp, map, edge_nodes_key, "expected a mapping, found "
		    "%s", ynode_type_name(map));
		return;
	}
	in->nodes = conf_reallocarray(NULL, map->nkids / 2 + 1,
	    sizeof(*in->nodes));
	for (i = 0; i + 1 < map->nkids; i += 2) {
		kn = map->kids[i];
		vn = map->kids[i + 1];
		if (kn->type != YN_SCALAR || conf_parse_int(kn->str, &id) != 0 ||
		    id < 0 || id > NODEID_MAX_VALID) {
			cp_error(cp, kn, edge_nodes_key, "a key must be a "
			    "NodeID from 0 to %d", NODEID_MAX_VALID);
			continue;
		}
		snprintf(path, sizeof(path), "%s.%lld", edge_nodes_key, id);
		gn = &in->nodes[in->nnodes++];
		gn->id = (uint16_t)id;
		gn->endpoint = conf_strdup("");
		cw_block(cp, node_keys_gen, gn, vn, path);
	}
	qsort(in->nodes, in->nnodes, sizeof(*in->nodes), node_cmp);
	for (i = 1; i < in->nnodes; i++)
		if (in->nodes[i].id == in->nodes[i - 1].id)
			cp_error(cp, map, edge_nodes_key, "NodeID %u twice",
			    in->nodes[i].id);
}

int
gen_parse_ids(const char *s, uint16_t **idsp, size_t *np, char *err,
    size_t errlen)
{
	uint8_t		*seen;
	uint16_t	*ids;
	const char	*p = s;
	char		*end;
	unsigned long	 lo, hi, v;
	size_t		 n = 0;

	*idsp = NULL;
	*np = 0;
	while (*p == ' ')
		p++;
	if (*p++ != '[') {
		snprintf(err, errlen, "not a NodeID set such as "
		    "\"[1~10,11,19]\"");
		return -1;
	}
	seen = conf_calloc(1, GEN_MAX_NODES);
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			goto bad;
		lo = hi = strtoul(p, &end, 10);
		p = end;
		if (*p == '~') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			hi = strtoul(p, &end, 10);
			p = end;
		}
		if (lo > NODEID_MAX_VALID || hi > NODEID_MAX_VALID) {
			snprintf(err, errlen, "NodeIDs go from 0 to %d",
			    NODEID_MAX_VALID);
			goto fail;
		}
		if (lo > hi) {
			snprintf(err, errlen, "range %lu~%lu goes down", lo,
			    hi);
			goto fail;
		}
		for (v = lo; v <= hi; v++) {
			if (seen[v]) {
				snprintf(err, errlen, "NodeID %lu twice", v);
				goto fail;
			}
			seen[v] = 1;
			n++;
		}
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p++ != ']')
			goto bad;
		break;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		goto bad;
	ids = conf_reallocarray(NULL, n ? n : 1, sizeof(*ids));
	for (n = 0, v = 0; v < GEN_MAX_NODES; v++)
		if (seen[v])
			ids[n++] = (uint16_t)v;
	free(seen);
	*idsp = ids;
	*np = n;
	return 0;
bad:
	snprintf(err, errlen, "not a NodeID set such as \"[1~10,11,19]\" "
	    "at offset %zu", (size_t)(p - s));
fail:
	free(seen);
	return -1;
}

/*
 * The network name starts every file name and node name: letters,
 * digits, '_', '-' and '.', not first, so that it names a file inside
 * the output directory, and short enough for NodeName with a NodeID.
 */
#define GEN_NETNAME_MAX	24

static int
netname_ok(const char *s)
{
	size_t	i;

	if (s[0] == '.' || s[0] == '-' || strlen(s) > GEN_NETNAME_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

static void
str_default(char **sp)
{
	if (*sp == NULL)
		*sp = conf_strdup("");
}

/* What a mode needs beyond the schema's own checks. */
static void
check_mode(struct cparse *cp, struct gen_input *in, const struct ynode *root)
{
	const struct ynode	*n;
	uint16_t		*ids;
	char			 why[128];
	size_t			 i, k;

	if (in->mode == GEN_SUPER) {
		if (ynode_get(root, "Super Node") == NULL)
			cp_error(cp, root, "Super Node", "required key missing "
			    "in super mode");
		if (in->nodes != NULL)
			cp_error(cp, ynode_get(root, edge_nodes_key),
			    edge_nodes_key, "not used in super mode: list the "
			    "NodeIDs in Edge Node.Node IDs");
		/* Reported above; the list comes from Node IDs alone. */
		for (i = 0; i < in->nnodes; i++)
			free(in->nodes[i].endpoint);
		free(in->nodes);
		in->nodes = NULL;
		in->nnodes = 0;
		n = ynode_locate(root, "Edge Node.Node IDs");
		if (in->edge.node_ids[0] == '\0') {
			cp_error(cp, root, "Edge Node.Node IDs", "required "
			    "key missing in super mode");
			return;
		}
		if (gen_parse_ids(in->edge.node_ids, &ids, &in->nnodes, why,
		    sizeof(why)) == -1) {
			cp_error(cp, n ? n : root, "Edge Node.Node IDs", "%s",
			    why);
			return;
		}
		in->nodes = conf_reallocarray(NULL, in->nnodes + 1,
		    sizeof(*in->nodes));
		for (i = 0; i < in->nnodes; i++) {
			in->nodes[i].id = ids[i];
			in->nodes[i].endpoint = conf_strdup("");
		}
		free(ids);
		return;
	}
	if (in->edge.node_ids[0] != '\0')
		cp_error(cp, ynode_locate(root, "Edge Node.Node IDs"),
		    "Edge Node.Node IDs", "only in super mode: list the nodes "
		    "in Edge Nodes");
	if (in->nnodes == 0)
		cp_error(cp, root, edge_nodes_key, "no nodes listed");
	if (in->mode != GEN_STATIC)
		return;
	n = ynode_get(root, "Distance matrix for all nodes");
	if (route_matrix_parse(in->matrix, strlen(in->matrix), &in->costs,
	    why, sizeof(why)) == -1) {
		cp_error(cp, n ? n : root, "Distance matrix for all nodes",
		    "%s", why);
		return;
	}
	/* As EtherGuard-Go (genstatic.yaml has two), and as egctl solve. */
	for (i = 0; i < in->costs.ndiag; i++)
		cp_warn(cp, n ? n : root, "Distance matrix for all nodes: line "
		    "%zu: the diagonal cost of NodeID %u (%g) is ignored: a "
		    "node's cost to itself is 0", in->costs.diag[i].line,
		    in->costs.diag[i].id, in->costs.diag[i].ms);
	/* The matrix and the node list must name the same nodes. */
	for (i = 0, k = 0; i < in->nnodes || k < in->costs.n;) {
		if (k == in->costs.n || (i < in->nnodes &&
		    in->nodes[i].id < in->costs.ids[k])) {
			cp_error(cp, n ? n : root, "Distance matrix for all "
			    "nodes", "no row for NodeID %u", in->nodes[i].id);
			i++;
		} else if (i == in->nnodes ||
		    in->costs.ids[k] < in->nodes[i].id) {
			cp_error(cp, n ? n : root, "Distance matrix for all "
			    "nodes", "NodeID %u is not in Edge Nodes",
			    in->costs.ids[k]);
			k++;
		} else {
			i++;
			k++;
		}
	}
}

int
gen_parse(const char *name, const char *buf, size_t len, enum gen_mode mode,
    struct gen_input *in, struct conf_diags *diags)
{
	struct cparse		 cp;
	struct ynode		*root, shallow;
	const struct ynode	*nodes = NULL;
	size_t			 i;

	memset(in, 0, sizeof(*in));
	in->mode = mode;
	in->super.api_prefix = conf_strdup("/eg_net/eg_api");
	cp_start(&cp, name, diags, 0);
	if ((root = ynode_parse(&cp, buf, len)) == NULL) {
		cp_finish(&cp);
		gen_free(in);
		return -1;
	}
	if (root->type != YN_MAP) {
		cp_error(&cp, root, "", "expected a mapping, found %s",
		    ynode_type_name(root));
		goto done;
	}
	/* The schema walker sees every key but "Edge Nodes". */
	shallow = *root;
	shallow.kids = conf_reallocarray(NULL, root->nkids + 1,
	    sizeof(*shallow.kids));
	shallow.nkids = 0;
	for (i = 0; i + 1 < root->nkids; i += 2) {
		if (root->kids[i]->type == YN_SCALAR &&
		    strcasecmp(root->kids[i]->str, edge_nodes_key) == 0) {
			if (nodes != NULL)
				cp_error(&cp, root->kids[i], edge_nodes_key,
				    "key given twice");
			nodes = root->kids[i + 1];
			continue;
		}
		shallow.kids[shallow.nkids++] = root->kids[i];
		shallow.kids[shallow.nkids++] = root->kids[i + 1];
	}
	cw_block(&cp, gen_keys, in, &shallow, "");
	free(shallow.kids);
	str_default(&in->output_dir);
	str_default(&in->super_template);
	str_default(&in->edge_template);
	str_default(&in->network_name);
	str_default(&in->super.endpoint_v4);
	str_default(&in->super.endpoint_v6);
	str_default(&in->super.edge_api_url);
	str_default(&in->edge.node_ids);
	str_default(&in->edge.mac_prefix);
	str_default(&in->edge.ipv4_range);
	str_default(&in->edge.ipv6_range);
	str_default(&in->edge.ipv6_ll_range);
	str_default(&in->matrix);
	if (nodes != NULL)
		walk_edge_nodes(&cp, in, nodes);
	if (in->output_dir[0] == '\0')
		cp_error(&cp, root, "Config output dir", "required key "
		    "missing");
	if (in->network_name[0] == '\0')
		cp_error(&cp, root, "Network name", "required key missing");
	else if (!netname_ok(in->network_name))
		cp_error(&cp, ynode_get(root, "Network name"), "Network name",
		    "at most %d letters, digits, '_', '-' or '.', not "
		    "starting with '.' or '-'", GEN_NETNAME_MAX);
	if (cp.nerrors == 0)
		check_mode(&cp, in, root);
done:
	ynode_free(root);
	cp_finish(&cp);
	if (cp.nerrors > 0) {
		gen_free(in);
		return -1;
	}
	return 0;
}

void
gen_free(struct gen_input *in)
{
	size_t	i;

	for (i = 0; in->nodes != NULL && i < in->nnodes; i++)
		free(in->nodes[i].endpoint);
	free(in->nodes);
	free(in->output_dir);
	free(in->super_template);
	free(in->edge_template);
	free(in->network_name);
	free(in->super.api_prefix);
	free(in->super.endpoint_v4);
	free(in->super.endpoint_v6);
	free(in->super.edge_api_url);
	free(in->edge.node_ids);
	free(in->edge.mac_prefix);
	free(in->edge.ipv4_range);
	free(in->edge.ipv6_range);
	free(in->edge.ipv6_ll_range);
	free(in->matrix);
	route_matrix_free(&in->costs);
	memset(in, 0, sizeof(*in));
}
