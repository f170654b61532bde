/*
 * egctl manage's request (egctl/manage_req.c): URLs taken apart, forms
 * encoded, the request signed so that eg-supd's check accepts it, and
 * answers' status lines read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "edgeapi/manageauth.h"
#include "egctl/manage.h"
#include "regress/lib/tap.h"

static void
test_url(void)
{
	struct manage_url	u;

	ok(manage_url_parse("http://192.0.2.1:3456/eg_net/eg_api/manage/"
	    "peer/update?NodeID=1", &u) == 0 && strcmp(u.host, "192.0.2.1") ==
	    0 && strcmp(u.port, "3456") == 0 && strcmp(u.pathq, "/eg_net/"
	    "eg_api/manage/peer/update?NodeID=1") == 0 && strcmp(u.call,
	    "peer/update") == 0, "URL with a port and a query: %s %s %s",
	    u.host, u.port, u.call);
	ok(manage_url_parse("http://[2001:db8::1]/manage/super/state", &u) ==
	    0 && strcmp(u.host, "2001:db8::1") == 0 && strcmp(u.port, "80") ==
	    0 && strcmp(u.call, "super/state") == 0, "IPv6, default port");
	ok(manage_url_parse("http://sn.example/a/manage/x/manage/peer/add",
	    &u) == 0 && strcmp(u.call, "peer/add") == 0, "the last /manage/ "
	    "names the call");
	ok(manage_url_parse("https://h/manage/super/state", &u) == -1 &&
	    manage_url_parse("http://h:0/manage/super/state", &u) == -1 &&
	    manage_url_parse("http://h:x/manage/super/state", &u) == -1 &&
	    manage_url_parse("http:///manage/super/state", &u) == -1 &&
	    manage_url_parse("http://h/manage/", &u) == -1 &&
	    manage_url_parse("http://h/x?a=/manage/peer/add", &u) == -1 &&
	    manage_url_parse("http://[::1/manage/super/state", &u) == -1 &&
	    manage_url_parse("http://h", &u) == -1, "bad URLs refused");
}

static void
test_form(void)
{
	char		 out[256];
	char *const	 args[] = { "PubKey=a+b/c=", "Name=edge 7", "X=" };
	char *const	 bad[] = { "novalue" };
	char *const	 noname[] = { "=1" };

	ok(manage_form(out, sizeof(out), 3, args) == 0 && strcmp(out,
	    "PubKey=a%2Bb%2Fc%3D&Name=edge%207&X=") == 0, "form: %s", out);
	ok(manage_form(out, sizeof(out), 1, bad) == -1 &&
	    manage_form(out, sizeof(out), 1, noname) == -1 &&
	    manage_form(out, 10, 3, args) == -1,
	    "bad or overlong forms refused");
}

static void
test_request(void)
{
	struct manage_url	 u;
	uint8_t			 key[MAUTH_KEY_LEN], mac[32];
	char			*req, *h, *e;
	const char		*body;
	size_t			 len, off;
	int64_t			 ts;
	int			 st;

	manage_url_parse("http://127.0.0.1:3456/p/manage/peer/update?NodeID=1",
	    &u);
	req = manage_request(&u, "pw", "AdditionalCost=7", 1700000000000LL,
	    &len);
	ok(req != NULL && strncmp(req, "POST /p/manage/peer/update?NodeID=1 "
	    "HTTP/1.1\r\nHost: 127.0.0.1:3456\r\n", 62) == 0 &&
	    strstr(req, "Content-Length: 16\r\n\r\nAdditionalCost=7") != NULL &&
	    strlen(req) == len, "a POST with its form");
	h = req != NULL ? strstr(req, MAUTH_HEADER ": ") : NULL;
	ok(h != NULL && (e = strstr(h, "\r\n")) != NULL, "signed");
	if (h != NULL && e != NULL) {
		*e = '\0';
		body = "AdditionalCost=7";
		ok(mauth_parse(h + strlen(MAUTH_HEADER) + 2, &ts, mac) == 0 &&
		    ts == 1700000000000LL && mauth_key(key, "peer/update",
		    "pw") == 0 && mauth_verify(key, mac, "POST", u.pathq, ts,
		    (const uint8_t *)body, strlen(body)) == 0,
		    "the signature is eg-supd's, under peer/update's key");
	} else
		ok(0, "the signature is eg-supd's");
	free(req);
	manage_url_parse("http://[::1]:3456/p/manage/super/state", &u);
	req = manage_request(&u, "pw", NULL, 1, &len);
	ok(req != NULL && strncmp(req, "GET /p/manage/super/state HTTP/1.1\r\n"
	    "Host: [::1]:3456\r\n", 54) == 0 && strstr(req, "Content-") ==
	    NULL && strcmp(req + len - 4, "\r\n\r\n") == 0, "a GET, no body");
	free(req);

	ok(manage_answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 41,
	    &st, &off) == 0 && st == 200 && off == 38, "answer: 200, body");
	ok(manage_answer("HTTP/1.1 429 Too Many Requests\r\n\r\n", 34, &st,
	    &off) == 0 && st == 429, "answer: 429");
	ok(manage_answer("HTTP/1.1 200 OK\r\n", 17, &st, &off) == -1 &&
	    manage_answer("SSH-2.0-x\r\n\r\n", 13, &st, &off) == -1 &&
	    manage_answer("HTTP/1.1 2x0 OK\r\n\r\n", 19, &st, &off) == -1,
	    "not answers refused");
}

int
main(void)
{
	if (sodium_init() == -1)
		return 1;
	test_url();
	test_form();
	test_request();
	return tap_done();
}
