/*
 * A next-hop table in pieces and an end: the supernode's as control
 * passes it on (IMSG_EGD_NH, IMSG_EGD_NH_DONE with the state's hash),
 * which the engine and the route process both collect, and in P2P mode
 * the one route computes for the engine (IMSG_EGD_P2P_NH,
 * IMSG_EGD_P2P_NH_DONE, empty).
 */
#include <sys/types.h>

#include "egd.h"
#include "util/log.h"

int
egd_nhtable_imsg(struct conf_nhtable *t, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_EGD_NH:
	case IMSG_EGD_P2P_NH:
		if (conf_nhtable_add(t, imsg->data, imsg->datalen) == -1)
			fatalx("message %u: bad length, too many entries "
			    "or out of memory", imsg->hdr.type);
		return 0;
	case IMSG_EGD_NH_DONE:
		if (imsg->datalen != OVLMSG_HASH_LEN)
			fatalx("IMSG_EGD_NH_DONE: bad length");
		conf_nhtable_sort(t);
		return 1;
	case IMSG_EGD_P2P_NH_DONE:
		if (imsg->datalen != 0)
			fatalx("IMSG_EGD_P2P_NH_DONE: bad length");
		conf_nhtable_sort(t);
		return 1;
	default:
		fatalx("%s: type %u", __func__, imsg->hdr.type);
	}
}
