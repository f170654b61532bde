/*
 * libFuzzer target: netsim's control request parser.  Any bytes must
 * parse or be refused with a message, never crash or read out of
 * bounds; an accepted request must hold values in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../netsim/ctl_parse.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_req	 req;
	char		 err[128];
	char		*line;
	int		 nnodes;

	if (size < 1)
		return 0;
	nnodes = 1 + data[0] % NS_MAXNODES;
	if ((line = malloc(size)) == NULL)
		return 0;
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	err[0] = '\0';
	if (ctl_parse(line, nnodes, &req, err, sizeof(err)) == 0) {
		if (req.src < 0 || req.src > nnodes || req.dst < 0 ||
		    req.dst > nnodes || req.loss < 0 || req.loss > 1 ||
		    req.delay_ns > (uint64_t)(NS_DELAY_MAX_MS * 1e6) ||
		    req.jitter_ns > (uint64_t)(NS_DELAY_MAX_MS * 1e6) ||
		    req.limit > NS_LIMIT_MAX)
			abort();
	} else if (err[0] == '\0')
		abort();
	free(line);
	return 0;
}
