/*
 * libFuzzer target for the gen-file reader of egctl gencfg
 * (egctl/gencfg_input.c): the input is one gen file (YAML, EtherGuard-Go's
 * generator keys), read in each of the three modes.
 *
 * Beyond "no crash, no leak": a refused input must leave a diagnostic
 * and a zeroed gen_input; an accepted one must be sane (every string
 * set, NodeIDs ascending and unique, in static mode the matrix naming the
 * same nodes), and small ones without templates are built into configs
 * (gencfg_build.c), each of which the build parses back (its refusals
 * go to standard error, with libFuzzer's own output).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "egctl/gencfg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_accepted(const struct gen_input *in)
{
	size_t	i;

	if (in->output_dir == NULL || in->network_name == NULL ||
	    in->edge_template == NULL || in->super_template == NULL ||
	    in->edge.mac_prefix == NULL || in->edge.ipv4_range == NULL ||
	    in->super.edge_api_url == NULL || in->matrix == NULL ||
	    in->nnodes == 0 || in->output_dir[0] == '\0')
		abort();
	for (i = 0; i < in->nnodes; i++) {
		if (in->nodes[i].endpoint == NULL ||
		    in->nodes[i].id > NODEID_MAX_VALID ||
		    (i > 0 && in->nodes[i].id <= in->nodes[i - 1].id))
			abort();
		if (in->mode == GEN_STATIC && (in->costs.n != in->nnodes ||
		    in->costs.ids[i] != in->nodes[i].id))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum gen_mode modes[] = { GEN_STATIC, GEN_P2P, GEN_SUPER };
	struct gen_input	 in;
	struct gen_files	 files;
	struct conf_diags	 d;
	size_t			 m;
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		memset(&d, 0, sizeof(d));
		if (gen_parse("fuzz", (const char *)data, size, modes[m], &in,
		    &d) == -1) {
			if (d.nerrors == 0 || in.nodes != NULL ||
			    in.output_dir != NULL)
				abort();
			conf_diags_free(&d);
			continue;
		}
		conf_diags_free(&d);
		check_accepted(&in);
		if (in.nnodes <= 8 && in.edge_template[0] == '\0' &&
		    in.super_template[0] == '\0' &&
		    gen_build(&in, "", &files) == 0) {
			if (files.count != in.nnodes + (modes[m] == GEN_SUPER))
				abort();
			gen_files_free(&files);
		}
		gen_free(&in);
	}
	return 0;
}
