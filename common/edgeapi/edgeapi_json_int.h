/*
 * Helpers shared by the files that build and parse EdgeAPI documents
 * (edgeapi_json.c, edgeapi_nodeinfo.c); not for other users.
 */
#ifndef EG_EDGEAPI_JSON_INT_H
#define EG_EDGEAPI_JSON_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Formats the reason into err (one line); always returns -1. */
int	 ej_fail(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Parses a document that must be a JSON object; NULL and err if not. */
json_t	*ej_load(const char *doc, size_t len, char *err, size_t errlen);
/* o has exactly the keys listed (NULL-terminated). */
int	 ej_keys(json_t *o, const char *const keys[], const char *where,
	    char *err, size_t errlen);
json_t	*ej_num(double);
int	 ej_get_num(json_t *, double lo, double hi, int lo_open, double *);
int	 ej_get_nodeid(json_t *, uint16_t *);
int	 ej_key_nodeid(const char *, uint16_t *);
/* Insert, taking the reference; -1 if v is NULL or insertion fails. */
int	 ej_set(json_t *o, const char *k, json_t *v);
int	 ej_append(json_t *a, json_t *v);
/* Compact dump of root, which is released; NULL on ENOMEM. */
char	*ej_dump(json_t *root, size_t *lenp);

#endif /* EG_EDGEAPI_JSON_INT_H */
