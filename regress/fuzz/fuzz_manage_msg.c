/*
 * libFuzzer target for what a hostile control process can send the
 * parent as a Manage API call (IMSG_SUPD_MANAGE, manage_msg.h): the
 * input is the message's payload, taken apart by manage_msg_split() and
 * checked by the parent's own manage_cred_check() and
 * manage_cred_change() against a config with passwords.  Checked: a
 * change or an authorisation is given only for a credential that holds:
 * a password in clear equal to its call's, where plain passwords may
 * come; never for a signed request (the fuzzer cannot make a MAC, so
 * taking one is a bug), nor for a credential of another call; and every
 * refusal is an HTTP status with a one-line reason.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eg-supd/control_manage_parse.h"
#include "eg-supd/parent_manage_auth.h"
#include "util/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct super_conf	*conf;

static void
quiet(int pri, const char *line)
{
	(void)pri;
	(void)line;
}

static void
init(void)
{
	static const char	yaml[] =
	    "PrivKeyV4: ZZLpfdZJm4fWNsfQCWQ9F11G2wnJRh0e+Dj5Kc5jzEU=\n"
	    "ListenPort: 3456\nDisabledAf:\n  IPv6: true\n"
	    "Passwords:\n  ShowState: passwd_showstate\n"
	    "  AddPeer: passwd_addpeer\n  DelPeer: passwd_delpeer\n"
	    "  UpdatePeer: passwd_updatepeer\n  UpdateSuper: \"\"\n"
	    "ManageAPI:\n  DelPeerByPrivKey: true\n"
	    "Peers:\n- NodeID: 1\n  Name: Node_01\n"
	    "  PubKey: DG/Lq1bFpE/6109emAoO3iaC+shgWtdRaGBhW3soiSI=\n";
	struct conf_diags	d;

	log_init(0, 0);
	log_setsink(quiet);
	memset(&d, 0, sizeof(d));
	if ((conf = conf_parse_super("f.yaml", yaml, strlen(yaml), &d, 0)) ==
	    NULL) {
		conf_diags_print(stderr, &d);
		abort();
	}
	conf_diags_free(&d);
	manage_cred_conf(conf);
}

static void
refusal(int rc, const char *why)
{
	if (rc < 400 || rc > 599 || why[0] == '\0' || strchr(why, '\n') !=
	    NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manage_msg	 mm;
	struct supd_manage	 m;
	char			 why[MANAGE_REASON_LEN];
	const char		*pw;
	int			 rc, failed, replayed;

	if (conf == NULL)
		init();
	if (manage_msg_split(data, size, &mm) == -1)
		return 0;
	why[0] = '\0';
	rc = manage_cred_check(conf, &mm, 1700000000000LL, why, sizeof(why),
	    &failed, &replayed);
	if (rc != 0) {
		refusal(rc, why);
		return 0;
	}
	pw = manage_password_of(&conf->passwords, mm.c.call);
	switch (mm.c.kind) {
	case SUPD_CRED_SIGNED:
		abort();
	case SUPD_CRED_PLAIN:
		if (!mm.c.plain_ok || strcmp(mm.secret, pw) != 0)
			abort();
		break;
	case SUPD_CRED_PRIVKEY:
		if (mm.c.call != MANAGE_PEER_DEL)
			abort();
		break;
	default:
		abort();	/* no credential, yet taken */
	}
	if (mm.m.op == SUPD_AUTH_ONLY)
		return 0;
	why[0] = '\0';
	rc = manage_cred_change(conf, &mm, &m, why, sizeof(why), &failed);
	if (rc != 0) {
		refusal(rc, why);
		return 0;
	}
	/* A PrivKey deletes only the peer whose key it is. */
	if (m.op != mm.m.op || (mm.c.kind == SUPD_CRED_PRIVKEY &&
	    (m.op != SUPD_PEER_DEL || m.node_id != 1)))
		abort();
	manage_msg_wipe(&mm);
	return 0;
}
