/*
 * The steps every load shares: reading the file, YAML to tree, the
 * schema walk.  The kind-specific checks are in config_edge.c and
 * config_super.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sodium.h>

#include "config_int.h"

/*
 * Whoever can write a root daemon's config, or replace it, controls
 * what root runs (PostScript) and which peers join: the file and the
 * directory holding it must belong to root or to us and be writable by
 * nobody else.  A directory with the sticky bit (/tmp) does not let
 * others replace our file.  Checked on the descriptors opened, so the
 * file cannot be swapped between the check and the read.
 */
static int
conf_trusted(struct cparse *cp, const char *path, const struct stat *st)
{
	struct stat	 dst;
	char		 dir[1024];
	const char	*slash;
	int		 dfd;
	uid_t		 me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me) {
		cp_error_at(cp, 0, 0, NULL, "owned by uid %u, not by root: "
		    "chown root it", (unsigned)st->st_uid);
		return -1;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		cp_error_at(cp, 0, 0, NULL, "writable by group or others: "
		    "chmod go-w it");
		return -1;
	}
	if ((slash = strrchr(path, '/')) == NULL)
		strlcpy(dir, ".", sizeof(dir));
	else if (slash == path)
		strlcpy(dir, "/", sizeof(dir));
	else if ((size_t)(slash - path) >= sizeof(dir)) {
		cp_error_at(cp, 0, 0, NULL, "directory name too long");
		return -1;
	} else {
		memcpy(dir, path, slash - path);
		dir[slash - path] = '\0';
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fstat(dfd, &dst) == -1) {
		cp_error_at(cp, 0, 0, NULL, "its directory %s: %s", dir,
		    strerror(errno));
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	close(dfd);
	if (dst.st_uid != 0 && dst.st_uid != me) {
		cp_error_at(cp, 0, 0, NULL, "its directory %s is owned by "
		    "uid %u, not by root", dir, (unsigned)dst.st_uid);
		return -1;
	}
	if ((dst.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (dst.st_mode & S_ISVTX) == 0) {
		cp_error_at(cp, 0, 0, NULL, "its directory %s is writable by "
		    "group or others: chmod go-w it", dir);
		return -1;
	}
	return 0;
}

/*
 * Reads a whole regular file of at most CONF_MAX_FILE_SIZE bytes; with
 * CONF_LOAD_TRUSTED, only one conf_trusted() accepts.  0 and *bufp
 * (free with conf_read_free) or -1 with an error in diags.
 */
int
conf_read_file(const char *path, struct conf_diags *diags, int flags,
    char **bufp, size_t *lenp)
{
	struct cparse	 cp = { .file = path, .diags = diags };
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		cp_error_at(&cp, 0, 0, NULL, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		cp_error_at(&cp, 0, 0, NULL, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cp_error_at(&cp, 0, 0, NULL, "not a regular file");
		goto fail;
	}
	if ((flags & CONF_LOAD_TRUSTED) &&
	    conf_trusted(&cp, path, &st) == -1)
		goto fail;
	if (st.st_size > CONF_MAX_FILE_SIZE) {
		cp_error_at(&cp, 0, 0, NULL, "larger than %d bytes",
		    CONF_MAX_FILE_SIZE);
		goto fail;
	}
	buf = conf_calloc(1, (size_t)st.st_size + 1);
	/* Read to EOF: the file may have changed since fstat. */
	while (len < (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cp_error_at(&cp, 0, 0, NULL, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	conf_read_free(buf, len);
	close(fd);
	return -1;
}

void
conf_read_free(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	sodium_memzero(buf, len);
	free(buf);
}

/*
 * YAML text -> tree -> walk along tbl into c.  The tree is returned in
 * cp->root for the kind's own checks (free it with ynode_free); NULL
 * after a YAML syntax error, then c holds only defaults.
 */
void
conf_walk_text(struct cparse *cp, const struct ckey *tbl, void *c,
    const char *buf, size_t len)
{
	struct ynode	*root;

	if (sodium_init() < 0)
		fatalx("sodium_init failed");
	cp->root = NULL;
	if ((root = ynode_parse(cp, buf, len)) == NULL)
		return;
	cp->root = root;
	cp->peers = ynode_get(root, "Peers");
	cw_block(cp, tbl, c, root, "");
}

static int
ref_by_id(const void *a, const void *b)
{
	const struct peer_ref	*x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Orders public keys in constant time (they are not secret, but cheap). */
static int
ref_by_key(const void *a, const void *b)
{
	const struct peer_ref	*x = a, *y = b;
	int			 c;

	c = sodium_compare(x->pubkey->key, y->pubkey->key, EG_KEY_LEN);
	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The node of key in Peers[idx], or where it would be. */
const struct ynode *
cp_peer_key(struct cparse *cp, size_t idx, const char *key)
{
	const struct ynode	*seq = cp->peers, *item, *n;

	if (seq == NULL || seq->type != YN_SEQ || idx >= seq->nkids)
		return cp->root;
	item = seq->kids[idx];
	return (n = ynode_get(item, key)) != NULL ? n : item;
}

static const struct ynode *
peer_node(struct cparse *cp, size_t idx, const char *key, char *path,
    size_t size)
{
	snprintf(path, size, "Peers[%zu].%s", idx, key);
	return cp_peer_key(cp, idx, key);
}

/*
 * Whether Peers[idx] has a NodeID that parsed: a peer whose NodeID was
 * missing or wrong (already reported) takes no part in the checks.
 */
static int
peer_has_id(struct cparse *cp, size_t idx, uint16_t id)
{
	const struct ynode	*n;
	long long		 v;

	if (cp->peers == NULL || cp->peers->type != YN_SEQ ||
	    idx >= cp->peers->nkids)
		return 0;
	n = ynode_get(cp->peers->kids[idx], "NodeID");
	return n != NULL && n->type == YN_SCALAR &&
	    conf_parse_int(n->str, &v) == 0 && v == id &&
	    v <= NODEID_MAX_VALID;
}

/*
 * Peers entries sharing a NodeID or a PubKey, a peer with the node's own
 * NodeID (own_id >= 0) or own public key (own_pubkey != NULL).
 */
void
conf_check_peers(struct cparse *cp, struct peer_ref *refs, size_t n,
    int own_id, const uint8_t *own_pubkey)
{
	const struct ynode	*at, *first;
	char			 path[CONF_PATH_MAX], fpath[CONF_PATH_MAX];
	struct peer_ref		*k;
	size_t			 i, nk = 0;

	if (cp->root == NULL || n == 0)
		return;
	k = conf_reallocarray(NULL, n, sizeof(*k));
	for (i = 0; i < n; i++)
		if (peer_has_id(cp, refs[i].idx, refs[i].id))
			k[nk++] = refs[i];
	qsort(k, nk, sizeof(*k), ref_by_id);
	for (i = 0; i < nk; i++) {
		at = peer_node(cp, k[i].idx, "NodeID", path, sizeof(path));
		if (own_id >= 0 && k[i].id == own_id)
			cp_error(cp, at, path, "NodeID %u is this node's own "
			    "NodeID", k[i].id);
		if (i > 0 && k[i - 1].id == k[i].id) {
			first = peer_node(cp, k[i - 1].idx, "NodeID",
			    fpath, sizeof(fpath));
			cp_error(cp, at, path, "NodeID %u given twice (first "
			    "at line %d)", k[i].id, first->line);
		}
	}

	nk = 0;
	for (i = 0; i < n; i++)
		if (refs[i].pubkey->set)
			k[nk++] = refs[i];
	qsort(k, nk, sizeof(*k), ref_by_key);
	for (i = 0; i < nk; i++) {
		at = peer_node(cp, k[i].idx, "PubKey", path, sizeof(path));
		if (own_pubkey != NULL && sodium_memcmp(k[i].pubkey->key,
		    own_pubkey, EG_KEY_LEN) == 0)
			cp_error(cp, at, path, "this node's own public key");
		if (i > 0 && sodium_memcmp(k[i - 1].pubkey->key,
		    k[i].pubkey->key, EG_KEY_LEN) == 0) {
			first = peer_node(cp, k[i - 1].idx, "PubKey", fpath,
			    sizeof(fpath));
			cp_error(cp, at, path, "same PubKey as Peers[%zu] "
			    "(line %d)", k[i - 1].idx, first->line);
		}
	}
	free(k);
}
