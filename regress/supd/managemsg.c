/*
 * Prints, in hex, an IMSG_SUPD_MANAGE payload as a control process an
 * attacker holds could send it, for the EG_TEST_IMSG hook
 * (regress/supd/manage_forge.t):
 *
 *	managemsg OP KIND CALL POST URI [BODY [SECRET]]
 *
 * OP is the change asked for (add, del, update, super, auth), KIND the
 * credential (none, signed, plain, privkey), CALL the call it is for
 * (state, add, del, update, super), POST 1 or 0.  A signed credential
 * gets a MAC of zeros and the current time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eg-supd/control_manage_parse.h"
#include "eg-supd/manage_msg.h"
#include "util/clock.h"

static int
pick(const char *s, const char *const names[], const char *what)
{
	int	i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	fprintf(stderr, "managemsg: %s: no %s\n", s, what);
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const char *const ops[] = { "add", "del", "update", "super",
	    "auth", NULL };
	static const char *const kinds[] = { "none", "signed", "plain",
	    "privkey", NULL };
	static const char *const calls[] = { "state", "add", "del", "update",
	    "super", NULL };
	struct supd_manage	 m;
	struct supd_manage_cred	 c;
	const char		*body, *secret;
	uint8_t			*msg;
	size_t			 len, i;

	if (argc < 6 || argc > 8) {
		fprintf(stderr, "usage: managemsg op kind call post uri "
		    "[body [secret]]\n");
		return 2;
	}
	body = argc > 6 ? argv[6] : "";
	secret = argc > 7 ? argv[7] : "";
	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	m.op = pick(argv[1], ops, "operation");
	m.request = 1;
	c.kind = pick(argv[2], kinds, "credential");
	c.call = pick(argv[3], calls, "call");
	c.post = atoi(argv[4]) != 0;
	c.plain_ok = 1;
	c.ts_ms = clock_realtime_ms();
	c.urilen = strlen(argv[5]);
	c.bodylen = strlen(body);
	c.secretlen = strlen(secret);
	if ((msg = manage_msg_build(&m, &c, argv[5], (const uint8_t *)body,
	    secret, &len)) == NULL) {
		perror("managemsg");
		return 1;
	}
	for (i = 0; i < len; i++)
		printf("%02x", msg[i]);
	printf("\n");
	free(msg);
	return 0;
}
