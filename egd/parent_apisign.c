/*
 * egd's EdgeAPI key stays in the parent: control, which speaks HTTP to
 * the supernode, asks for each request's X-EG-Auth MAC and gets, with
 * it, the key that opens that request's answer only (edgeapi_seal_key()).
 * A control process an attacker holds can make requests while it holds
 * it, but takes no key with it that would speak for this edge later.
 */
#include <sys/types.h>

#include <string.h>

#include <sodium.h>

#include "parent_apisign.h"
#include "proc/proc.h"
#include "util/log.h"

static struct {
	uint8_t	key[EDGEAPI_KEY_LEN];
	int	have;
} as;

void
egd_api_setkey(const uint8_t key[EDGEAPI_KEY_LEN])
{
	sodium_memzero(&as, sizeof(as));
	if (key != NULL) {
		memcpy(as.key, key, sizeof(as.key));
		as.have = 1;
	}
}

int
egd_api_split(const void *data, size_t len, struct egd_api_sign *r,
    char path[EGD_API_PATH_MAX + 1])
{
	if (len < sizeof(*r))
		return -1;
	memcpy(r, data, sizeof(*r));
	if (r->pathlen == 0 || r->pathlen > EGD_API_PATH_MAX ||
	    len != sizeof(*r) + r->pathlen)
		return -1;
	memcpy(path, (const uint8_t *)data + sizeof(*r), r->pathlen);
	path[r->pathlen] = '\0';
	return strlen(path) == r->pathlen ? 0 : -1;
}

void
egd_api_answer(const uint8_t *key, const struct egd_api_sign *r,
    const char *path, struct egd_api_signed *a)
{
	memset(a, 0, sizeof(*a));
	a->id = r->id;
	if (key == NULL || edgeapi_seal_key(a->kreq, key, path, r->ts_ms) ==
	    -1)
		return;
	edgeapi_sign(a->mac, key, r->post ? "POST" : "GET", path, r->ts_ms,
	    r->bodyhash);
	a->ok = 1;
}

void
egd_api_sign(struct proc_chan *pc, struct imsg *imsg)
{
	struct egd_api_sign	r;
	struct egd_api_signed	a;
	char			path[EGD_API_PATH_MAX + 1];

	/* Control is not trusted: a message that does not add up stops us. */
	if (egd_api_split(imsg->data, imsg->datalen, &r, path) == -1)
		fatalx("IMSG_EGD_API_SIGN from control: malformed");
	egd_api_answer(as.have ? as.key : NULL, &r, path, &a);
	if (proc_compose(pc, IMSG_EGD_API_SIGNED, 0, 0, -1, &a,
	    sizeof(a)) == -1)
		fatal("EdgeAPI signature");
	sodium_memzero(&a, sizeof(a));
}
