/*
 * The control request grammar (one line of words):
 *
 *	set I J PARAM...	PARAM: delay MS | jitter MS | loss P |
 *	link I J PARAM...	       limit N | up | down
 *	cut I J [oneway]	heal I J [oneway]
 *	stats [I J]		show [I J]
 *	nodes			clear			stop
 *
 * I and J are node ids or "all".  "set" changes I->J only, "link",
 * "cut" and "heal" both directions unless "oneway".  Kept apart from
 * the daemon so that it can be fuzzed on its own.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

#define CTL_MAXWORDS	32

/* The message quotes the offending word, made printable. */
static int
parse_err(char *err, size_t errlen, const char *msg, const char *word)
{
	char	shown[41];
	size_t	i;

	if (word != NULL) {
		for (i = 0; i < sizeof(shown) - 1 && word[i] != '\0'; i++)
			shown[i] = isprint((unsigned char)word[i]) ?
			    word[i] : '?';
		shown[i] = '\0';
		snprintf(err, errlen, "%s: \"%s\"", msg, shown);
	} else
		snprintf(err, errlen, "%s", msg);
	return -1;
}

/* A decimal number: digits with at most one point, nothing else. */
static int
parse_decimal(const char *s, size_t len, double *vp)
{
	char	 tmp[32];
	size_t	 i;
	int	 dots = 0, digits = 0;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			dots++;
		else if (isdigit((unsigned char)s[i]))
			digits++;
		else
			return -1;
	}
	if (dots > 1 || digits == 0)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*vp = strtod(tmp, NULL);
	return isfinite(*vp) ? 0 : -1;
}

static int
parse_node(const char *s, int nnodes, int *idp)
{
	double	v;

	if (strcmp(s, "all") == 0) {
		*idp = 0;
		return 0;
	}
	if (strchr(s, '.') != NULL || parse_decimal(s, strlen(s), &v) == -1)
		return -1;
	if (v < 1 || v > nnodes)
		return -1;
	*idp = (int)v;
	return 0;
}

static int
parse_ms(const char *s, uint64_t *nsp)
{
	double	v;

	if (parse_decimal(s, strlen(s), &v) == -1 || v > NS_DELAY_MAX_MS)
		return -1;
	*nsp = (uint64_t)llround(v * 1e6);
	return 0;
}

/* A probability: a fraction 0..1, or a percentage 0%..100%. */
static int
parse_loss(const char *s, double *pp)
{
	size_t	len = strlen(s);
	double	v;

	if (len > 0 && s[len - 1] == '%') {
		if (parse_decimal(s, len - 1, &v) == -1 || v > 100)
			return -1;
		*pp = v / 100;
		return 0;
	}
	if (parse_decimal(s, len, &v) == -1 || v > 1)
		return -1;
	*pp = v;
	return 0;
}

static int
parse_params(char **w, int nw, struct ctl_req *req, char *err, size_t errlen)
{
	double	v;
	int	i;

	if (nw == 0)
		return parse_err(err, errlen, "no parameter given", NULL);
	for (i = 0; i < nw; i++) {
		if (strcmp(w[i], "up") == 0 || strcmp(w[i], "down") == 0) {
			req->params |= CTL_P_STATE;
			req->down = w[i][0] == 'd';
			continue;
		}
		if (i + 1 >= nw)
			return parse_err(err, errlen, "missing value after",
			    w[i]);
		if (strcmp(w[i], "delay") == 0) {
			if (parse_ms(w[i + 1], &req->delay_ns) == -1)
				return parse_err(err, errlen, "bad delay "
				    "(ms, 0 to 60000)", w[i + 1]);
			req->params |= CTL_P_DELAY;
		} else if (strcmp(w[i], "jitter") == 0) {
			if (parse_ms(w[i + 1], &req->jitter_ns) == -1)
				return parse_err(err, errlen, "bad jitter "
				    "(ms, 0 to 60000)", w[i + 1]);
			req->params |= CTL_P_JITTER;
		} else if (strcmp(w[i], "loss") == 0) {
			if (parse_loss(w[i + 1], &req->loss) == -1)
				return parse_err(err, errlen, "bad loss "
				    "(0 to 1, or 0% to 100%)", w[i + 1]);
			req->params |= CTL_P_LOSS;
		} else if (strcmp(w[i], "limit") == 0) {
			if (strchr(w[i + 1], '.') != NULL ||
			    parse_decimal(w[i + 1], strlen(w[i + 1]),
			    &v) == -1 || v < 1 || v > NS_LIMIT_MAX)
				return parse_err(err, errlen, "bad limit "
				    "(frames, 1 to 100000)", w[i + 1]);
			req->limit = (uint32_t)v;
			req->params |= CTL_P_LIMIT;
		} else
			return parse_err(err, errlen, "unknown parameter",
			    w[i]);
		i++;
	}
	return 0;
}

/* Both node words, or none (meaning all pairs) when optional. */
static int
parse_pair(char **w, int nw, int optional, int nnodes, struct ctl_req *req,
    char *err, size_t errlen)
{
	if (nw == 0 && optional) {
		req->src = req->dst = 0;
		return 0;
	}
	if (nw < 2)
		return parse_err(err, errlen, "expected two node ids", NULL);
	if (parse_node(w[0], nnodes, &req->src) == -1)
		return parse_err(err, errlen, "bad node id", w[0]);
	if (parse_node(w[1], nnodes, &req->dst) == -1)
		return parse_err(err, errlen, "bad node id", w[1]);
	if (req->src != 0 && req->src == req->dst)
		return parse_err(err, errlen, "a node has no link to itself",
		    w[0]);
	return 0;
}

/*
 * Parses one request line for an emulator of nnodes nodes into req.
 * Returns 0, or -1 with a message in err.
 */
int
ctl_parse(const char *line, int nnodes, struct ctl_req *req, char *err,
    size_t errlen)
{
	char	 copy[NS_REQ_MAX];
	char	*w[CTL_MAXWORDS], *p, *cmd;
	int	 nw = 0;

	memset(req, 0, sizeof(*req));
	if (strlen(line) >= sizeof(copy))
		return parse_err(err, errlen, "request too long", NULL);
	strlcpy(copy, line, sizeof(copy));
	for (p = strtok(copy, " \t\r\n"); p != NULL;
	    p = strtok(NULL, " \t\r\n")) {
		if (nw == CTL_MAXWORDS)
			return parse_err(err, errlen, "too many words", NULL);
		w[nw++] = p;
	}
	if (nw == 0)
		return parse_err(err, errlen, "empty request", NULL);
	cmd = w[0];

	if (strcmp(cmd, "set") == 0 || strcmp(cmd, "link") == 0) {
		req->op = CTL_SET;
		req->both = cmd[0] == 'l';
		if (parse_pair(w + 1, nw - 1, 0, nnodes, req, err,
		    errlen) == -1)
			return -1;
		return parse_params(w + 3, nw - 3, req, err, errlen);
	}
	if (strcmp(cmd, "cut") == 0 || strcmp(cmd, "heal") == 0) {
		req->op = CTL_SET;
		req->both = 1;
		req->params = CTL_P_STATE;
		req->down = cmd[0] == 'c';
		if (parse_pair(w + 1, nw - 1, 0, nnodes, req, err,
		    errlen) == -1)
			return -1;
		if (nw == 4 && strcmp(w[3], "oneway") == 0)
			req->both = 0;
		else if (nw != 3)
			return parse_err(err, errlen, "usage: cut|heal I J "
			    "[oneway]", NULL);
		return 0;
	}
	if (strcmp(cmd, "stats") == 0 || strcmp(cmd, "show") == 0) {
		req->op = cmd[1] == 't' ? CTL_STATS : CTL_SHOW;
		if (nw != 1 && nw != 3)
			return parse_err(err, errlen, "usage: stats|show "
			    "[I J]", NULL);
		return parse_pair(w + 1, nw - 1, 1, nnodes, req, err, errlen);
	}
	if (nw == 1 && strcmp(cmd, "nodes") == 0) {
		req->op = CTL_NODES;
		return 0;
	}
	if (nw == 1 && strcmp(cmd, "clear") == 0) {
		req->op = CTL_CLEAR;
		return 0;
	}
	if (nw == 1 && strcmp(cmd, "stop") == 0) {
		req->op = CTL_STOP;
		return 0;
	}
	return parse_err(err, errlen, "unknown request", cmd);
}
