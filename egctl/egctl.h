/*
 * egctl: declarations shared by its files.
 */
#ifndef EGCTL_H
#define EGCTL_H

#include <stdint.h>

#include "proc/ctl.h"

/* One implementation per output format (text, JSON). */
struct output {
	void	(*peers_begin)(void);
	void	(*peer)(const struct ctl_peer *);
	void	(*counter)(const struct ctl_counter *);
	void	(*peers_end)(void);
	void	(*routes_begin)(int all);
	void	(*route)(const struct ctl_route *);
	void	(*routes_end)(void);
	void	(*links_begin)(void);
	void	(*link)(const struct ctl_link *);
	void	(*links_end)(void);
	void	(*result)(int status, const char *msg, size_t len);
};

extern const struct output	output_text;
extern const struct output	output_json;

/* keys.c: to stdout (pubkey: of the private key on stdin); exit status */
/* 32 random bytes; clamp: as a Curve25519 private key (wg genkey). */
void	keys_fresh(uint8_t key[32], int clamp);
int	keys_genkey(void);
int	keys_genpsk(void);
int	keys_pubkey(void);
/* A password of 24 characters a shell or a URL takes as they are. */
void	keys_password(char out[25]);

/* example.c: a commented config of an edge or a supernode; exit status */
int	example_main(const char *what);

/* gencfg.c: egctl gencfg [-o dir] static|p2p|super file; exit status */
int	gencfg_main(const char *mode, const char *path, const char *outdir);

/* solve.c */
int	solve_main(const char *path, int json);

#endif /* EGCTL_H */
