/*
 * The control process of eg-supd: serves egctl on the control socket
 * (common/ctlsrv.c); the HTTP EdgeAPI and Manage API will live here.
 */
#include <sys/types.h>

#include <event.h>
#include <stdlib.h>

#include "ctl.h"
#include "ctlsrv.h"
#include "eg-supd.h"
#include "eg_imsg.h"
#include "log.h"
#include "sandbox.h"

static struct {
	struct proc_chan	 chans[PROC_MAX];
	struct reconf_stage	 stage;
	struct super_conf	*conf;
} ctl;

static void
control_dispatch_parent(struct proc_chan *pc, struct imsg *imsg)
{
	switch (imsg->hdr.type) {
	case IMSG_RECONF_CONF:
	case IMSG_RECONF_DONE:
		if (!reconf_stage_imsg(&ctl.stage, imsg))
			break;
		if (ctl.conf != NULL)
			conf_free_super(ctl.conf);
		ctl.conf = supd_conf_receive(&ctl.stage, CONF_PARSE_NO_SECRETS);
		log_setcats(conf_log_categories(&ctl.conf->loglevel));
		break;
	case IMSG_CONTROLFD:
		if (imsg->fd == -1)
			fatalx("IMSG_CONTROLFD without a descriptor");
		ctlsrv_init(imsg->fd, ctlsrv_request);
		break;
	case IMSG_CTL_RESULT:
		ctlsrv_relay(pc, imsg);
		break;
	default:
		proc_unexpected(pc, imsg);
	}
}

void
supd_control_main(void)
{
	static const proc_dispatch_cb dispatch[PROC_MAX] = {
		[PROC_PARENT] = control_dispatch_parent,
		[PROC_ENGINE] = ctlsrv_relay,
		[PROC_ROUTE] = ctlsrv_relay,
	};

	proc_child_start(PROC_CONTROL, SB_CONTROL, ctl.chans, dispatch);
	ctlsrv_set_chans(ctl.chans);
	event_dispatch();
	ctlsrv_shutdown();
	if (ctl.conf != NULL)
		conf_free_super(ctl.conf);
	exit(0);
}
