/*
 * egctl gencfg static|p2p|super FILE: EtherGuard-Go's config generator.
 * Reads the gen file (gencfg_input.c), builds a config for every node
 * (gencfg_build.c) and writes them, mode 0600, into the output
 * directory: all of them or, when one exists and overwriting is off,
 * none.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_int.h"
#include "egctl.h"
#include "gencfg.h"

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_files(const char *dir, const struct gen_files *f, int overwrite)
{
	struct stat	 st;
	size_t		 i;
	int		 dfd, fd, flags;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		warn("gencfg: %s", dir);
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) == -1) {
		warn("gencfg: %s", dir);
		return -1;
	}
	/* Refuse before writing anything: never half a network. */
	for (i = 0; !overwrite && i < f->count; i++)
		if (fstatat(dfd, f->files[i].name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
			warnx("gencfg: %s/%s exists; nothing written (set "
			    "\"Enable generated config overwrite: true\" to "
			    "replace the files)", dir, f->files[i].name);
			close(dfd);
			return -1;
		}
	flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    (overwrite ? O_TRUNC : O_EXCL);
	for (i = 0; i < f->count; i++) {
		if ((fd = openat(dfd, f->files[i].name, flags, 0600)) == -1 ||
		    fchmod(fd, 0600) == -1 ||
		    write_all(fd, f->files[i].text, f->files[i].len) == -1 ||
		    close(fd) == -1) {
			warn("gencfg: %s/%s", dir, f->files[i].name);
			close(dfd);
			return -1;
		}
		printf("%s/%s\n", dir, f->files[i].name);
	}
	close(dfd);
	return 0;
}

int
gencfg_main(const char *modename, const char *path, const char *outdir)
{
	struct gen_input	 in;
	struct gen_files	 files;
	struct conf_diags	 d;
	enum gen_mode		 mode;
	char			*buf, *tmp, *basedir, *dir;
	size_t			 len;
	int			 rv = 1;

	if (strcmp(modename, "static") == 0)
		mode = GEN_STATIC;
	else if (strcmp(modename, "p2p") == 0)
		mode = GEN_P2P;
	else if (strcmp(modename, "super") == 0)
		mode = GEN_SUPER;
	else {
		warnx("gencfg: static, p2p or super, not %s", modename);
		return 1;
	}
	memset(&d, 0, sizeof(d));
	if (conf_read_file(path, &d, 0, &buf, &len) == -1) {
		conf_diags_print(stderr, &d);
		conf_diags_free(&d);
		return 1;
	}
	if (gen_parse(path, buf, len, mode, &in, &d) == -1) {
		conf_diags_print(stderr, &d);
		conf_diags_free(&d);
		conf_read_free(buf, len);
		return 1;
	}
	conf_read_free(buf, len);
	conf_diags_print(stderr, &d);
	conf_diags_free(&d);
	/* Relative paths in the gen file are relative to its directory. */
	tmp = conf_strdup(path);
	basedir = conf_strdup(dirname(tmp));
	free(tmp);
	if (outdir != NULL)
		dir = conf_strdup(outdir);
	else if (in.output_dir[0] == '/' || strcmp(basedir, ".") == 0)
		dir = conf_strdup(in.output_dir);
	else if (asprintf(&dir, "%s/%s", basedir, in.output_dir) == -1)
		err(1, NULL);
	if (gen_build(&in, basedir, &files) == 0) {
		if (write_files(dir, &files, in.overwrite) == 0)
			rv = 0;
		gen_files_free(&files);
	}
	if (fflush(stdout) == EOF) {
		warn("stdout");
		rv = 1;
	}
	free(dir);
	free(basedir);
	gen_free(&in);
	return rv;
}
