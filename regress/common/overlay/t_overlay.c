/*
 * The overlay header codec: round trip and every reason to drop.
 */
#include <stdint.h>
#include <string.h>

#include "overlay/overlay.h"
#include "regress/lib/tap.h"

int
main(void)
{
	struct ovl_hdr	h, g;
	uint8_t		buf[64];
	size_t		n;
	int		all;

	memset(&h, 0, sizeof(h));
	h.version = OVL_VERSION;
	h.usage = OVL_PONG;
	h.ttl = 200;
	h.dst = 65533;
	h.src = 0x0102;
	h.len = 20;
	ovl_write(buf, &h);
	ok(buf[4] == 0xff && buf[5] == 0xfd && buf[6] == 1 && buf[7] == 2,
	    "node IDs are big-endian on the wire");
	ok(ovl_parse(buf, OVL_HDR_LEN + 20, &g) == OVL_OK &&
	    memcmp(&g, &h, sizeof(h)) == 0, "header round trip");
	ok(ovl_parse(buf, OVL_HDR_LEN + 36, &g) == OVL_OK,
	    "padding after the payload is allowed");

	all = 1;
	for (n = 0; n < OVL_HDR_LEN + 20; n++) {
		enum ovl_error e = ovl_parse(buf, n, &g);

		if (n < OVL_HDR_LEN && e != OVL_ERR_SHORT)
			all = 0;
		if (n >= OVL_HDR_LEN && e != OVL_ERR_LENGTH)
			all = 0;
	}
	ok(all, "every truncation is refused (short header, then bad length)");

	buf[0] = 2;
	ok(ovl_parse(buf, sizeof(buf), &g) == OVL_ERR_VERSION,
	    "another version is refused");
	buf[0] = OVL_VERSION;
	buf[1] = OVL_USAGE_MAX;
	ok(ovl_parse(buf, sizeof(buf), &g) == OVL_ERR_USAGE,
	    "unknown usage is refused");
	buf[1] = OVL_FRAME;
	buf[3] = 1;
	ok(ovl_parse(buf, sizeof(buf), &g) == OVL_ERR_FLAGS,
	    "unknown flags are refused");
	buf[3] = 0;
	buf[11] = 1;
	ok(ovl_parse(buf, sizeof(buf), &g) == OVL_ERR_FLAGS,
	    "non-zero reserved field is refused");
	buf[11] = 0;
	ok(ovl_parse(buf, sizeof(buf), &g) == OVL_OK, "restored header parses");
	ok(strcmp(ovl_usage_str(OVL_PING), "ping") == 0 &&
	    strcmp(ovl_usage_str(200), "unknown") == 0, "usage names");
	return tap_done();
}
