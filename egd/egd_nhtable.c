/*
 * The supernode's next-hop table as control passes it on, in pieces
 * (IMSG_EGD_NH) and an end (IMSG_EGD_NH_DONE): the engine and the
 * route process both collect it, the same way.
 */
#include <sys/types.h>

#include "egd.h"
#include "util/log.h"

int
egd_nhtable_imsg(struct conf_nhtable *t, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_EGD_NH:
		if (conf_nhtable_add(t, imsg->data, imsg->datalen) == -1)
			fatalx("IMSG_EGD_NH: bad length, too many entries "
			    "or out of memory");
		return 0;
	case IMSG_EGD_NH_DONE:
		if (imsg->datalen != OVLMSG_HASH_LEN)
			fatalx("IMSG_EGD_NH_DONE: bad length");
		conf_nhtable_sort(t);
		return 1;
	default:
		fatalx("%s: type %u", __func__, imsg->hdr.type);
	}
}
