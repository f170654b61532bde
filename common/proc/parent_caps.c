/*
 * The parent runs as root to set up: interfaces, sockets, the control
 * socket, the children's sandboxes, the PostScript.  Once the children
 * run, all it does is read and write its own root-owned files, dial
 * out for control, and signal its children, which run as another
 * user.  So it keeps uid 0 (the files are root's) and only CAP_KILL:
 * every other capability goes, from the bounding set too, and no exec
 * can bring one back.  A parent that a lying child leads astray is then
 * a process that can write its own config and little else.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <linux/capability.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "parent.h"
#include "util/log.h"

void
parent_drop_caps(void)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[_LINUX_CAPABILITY_U32S_3];
	int				cap;

	for (cap = 0; cap < 64; cap++) {
		if (cap == CAP_KILL)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) {
			if (errno == EINVAL)
				break;		/* past the last one */
			fatal("dropping capability %d", cap);
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1)
		fatal("ambient capabilities");
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].effective = data[0].permitted = 1U << CAP_KILL;
	if (syscall(SYS_capset, &hdr, data) == -1)
		fatal("capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("no new privileges");
	log_debug("capabilities dropped but CAP_KILL");
}
