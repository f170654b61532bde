/*
 * The parent signs egd's EdgeAPI requests (egd/parent_apisign.c).
 */
#ifndef EGD_PARENT_APISIGN_H
#define EGD_PARENT_APISIGN_H

#include <stddef.h>
#include <stdint.h>

#include "edgeapi/edgeapi.h"
#include "egd_imsg.h"

/* The EdgeAPI key, or NULL: none (super mode off, or an unusable key). */
void	egd_api_setkey(const uint8_t key[EDGEAPI_KEY_LEN]);

/*
 * IMSG_EGD_API_SIGN's payload (len bytes) into r and path: 0, or -1 if
 * the lengths do not add up or the path holds a NUL.
 */
int	egd_api_split(const void *data, size_t len, struct egd_api_sign *r,
	    char path[EGD_API_PATH_MAX + 1]);

/* The answer to r with key (NULL: none, ok 0). */
void	egd_api_answer(const uint8_t *key, const struct egd_api_sign *r,
	    const char *path, struct egd_api_signed *a);

/* IMSG_EGD_API_SIGN from control. */
struct proc_chan;
struct imsg;
void	egd_api_sign(struct proc_chan *, struct imsg *);

#endif /* EGD_PARENT_APISIGN_H */
