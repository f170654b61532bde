/*
 * YAML bytes -> a tree of ynodes that remembers where each node stood,
 * so that the schema walk can name line and column in its diagnostics.
 *
 * libyaml's event API is used rather than its document API because the
 * events show aliases: an alias is refused (with a clear error) instead
 * of being expanded, which rules out "billion laughs" inputs.  Nesting
 * deeper than YNODE_MAX_DEPTH is refused too, so every later recursion
 * over the tree is bounded.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>
#include <yaml.h>

#include "config_int.h"

static struct ynode *
ynode_new(enum ynode_type type, const yaml_mark_t *mark)
{
	struct ynode	*n;

	n = conf_calloc(1, sizeof(*n));
	n->type = type;
	n->line = mark->line + 1;
	n->col = mark->column + 1;
	return n;
}

static void
ynode_add(struct ynode *parent, struct ynode *kid)
{
	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		parent->kids = conf_reallocarray(parent->kids, parent->cap,
		    sizeof(*parent->kids));
	}
	parent->kids[parent->nkids++] = kid;
}

/* Frees a tree, wiping scalars: they may be keys or passwords. */
void
ynode_free(struct ynode *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		ynode_free(n->kids[i]);
	free(n->kids);
	if (n->str != NULL) {
		sodium_memzero(n->str, n->len);
		free(n->str);
	}
	free(n);
}

/* A plain, untagged "", "~" or "null" is YAML's null. */
static int
scalar_is_null(const yaml_event_t *ev)
{
	const char	*v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    ev->data.scalar.tag != NULL)
		return 0;
	return v[0] == '\0' || strcmp(v, "~") == 0 ||
	    strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0;
}

static struct ynode *
scalar_node(struct cparse *cp, yaml_event_t *ev)
{
	struct ynode	*n;

	if (scalar_is_null(ev))
		return ynode_new(YN_NULL, &ev->start_mark);
	n = ynode_new(YN_SCALAR, &ev->start_mark);
	/* Take libyaml's copy instead of duplicating a secret. */
	n->str = (char *)ev->data.scalar.value;
	n->len = ev->data.scalar.length;
	ev->data.scalar.value = NULL;
	if (strlen(n->str) != n->len) {
		cp_error(cp, n, NULL, "string contains a NUL character");
		n->broken = 1;
	}
	return n;
}

static void
parser_wipe(yaml_parser_t *p)
{
	if (p->buffer.start != NULL)
		sodium_memzero(p->buffer.start,
		    (size_t)(p->buffer.end - p->buffer.start));
	if (p->raw_buffer.start != NULL)
		sodium_memzero(p->raw_buffer.start,
		    (size_t)(p->raw_buffer.end - p->raw_buffer.start));
}

/*
 * Parses one YAML document.  Returns its root (YN_NULL for an empty
 * document) or NULL after a syntax error, which is reported.  Other
 * problems (aliases, NUL bytes) are reported and the tree still
 * returned, with the bad nodes marked broken, so that the rest of the
 * file gets checked too.
 */
struct ynode *
ynode_parse(struct cparse *cp, const char *buf, size_t len)
{
	yaml_parser_t	  parser;
	yaml_event_t	  ev;
	struct ynode	**stack = NULL, *root = NULL, *n;
	size_t		  depth = 0, ndocs = 0;
	int		  done = 0, failed = 0;

	if (!yaml_parser_initialize(&parser))
		fatalx("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	stack = conf_reallocarray(NULL, YNODE_MAX_DEPTH, sizeof(*stack));

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			cp_error_at(cp, (int)parser.problem_mark.line + 1,
			    (int)parser.problem_mark.column + 1, NULL,
			    "YAML syntax error: %s%s%s",
			    parser.problem ? parser.problem : "unknown",
			    parser.context ? " " : "",
			    parser.context ? parser.context : "");
			failed = 1;
			break;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				cp_error_at(cp, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1, NULL,
				    "only one YAML document is allowed");
				failed = 1;
				done = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			n = ynode_new(YN_NULL, &ev.start_mark);
			n->broken = 1;
			cp_error(cp, n, NULL,
			    "YAML aliases (*%s) are not supported",
			    (const char *)ev.data.alias.anchor);
			break;
		case YAML_SCALAR_EVENT:
			n = scalar_node(cp, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			n = ynode_new(ev.type == YAML_MAPPING_START_EVENT ?
			    YN_MAP : YN_SEQ, &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		if (n != NULL) {
			if (depth > 0)
				ynode_add(stack[depth - 1], n);
			else if (root == NULL)
				root = n;
			else
				ynode_free(n);	/* one root only */
			if (n->type == YN_MAP || n->type == YN_SEQ) {
				if (depth == YNODE_MAX_DEPTH) {
					cp_error(cp, n, NULL, "nesting deeper "
					    "than %d levels", YNODE_MAX_DEPTH);
					failed = 1;
					done = 1;
				} else
					stack[depth++] = n;
			}
		}
		if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.value)
			sodium_memzero(ev.data.scalar.value,
			    ev.data.scalar.length);
		yaml_event_delete(&ev);
	}
	parser_wipe(&parser);
	yaml_parser_delete(&parser);
	free(stack);
	if (failed) {
		ynode_free(root);
		return NULL;
	}
	if (root == NULL) {
		yaml_mark_t	top = { 0, 0, 0 };

		root = ynode_new(YN_NULL, &top);
	}
	return root;
}

/* The value of key in a mapping (first match, any case), or NULL. */
const struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	size_t	i;

	if (map == NULL || map->type != YN_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nkids; i += 2)
		if (map->kids[i]->type == YN_SCALAR &&
		    strcasecmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

/*
 * The node at a key path such as "Peers[2].NodeID", or the deepest node
 * on the way that exists (where a missing key would have gone).
 */
const struct ynode *
ynode_locate(const struct ynode *root, const char *path)
{
	const struct ynode	*n = root, *next;
	char			 name[CONF_PATH_MAX];
	const char		*p = path;
	size_t			 l;
	unsigned long		 idx;
	char			*end;

	while (*p != '\0' && n != NULL) {
		if (*p == '.') {
			p++;
			continue;
		}
		if (*p == '[') {
			idx = strtoul(p + 1, &end, 10);
			if (*end != ']' || n->type != YN_SEQ ||
			    idx >= n->nkids)
				break;
			n = n->kids[idx];
			p = end + 1;
			continue;
		}
		l = strcspn(p, ".[");
		if (l >= sizeof(name))
			break;
		memcpy(name, p, l);
		name[l] = '\0';
		if ((next = ynode_get(n, name)) == NULL)
			break;
		n = next;
		p += l;
	}
	return n;
}

const char *
ynode_type_name(const struct ynode *n)
{
	switch (n->type) {
	case YN_NULL:
		return "nothing";
	case YN_SCALAR:
		return "a scalar";
	case YN_MAP:
		return "a mapping";
	case YN_SEQ:
		return "a sequence";
	}
	return "?";
}
