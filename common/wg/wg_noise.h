/*
 * The Noise_IKpsk2 handshake of WireGuard and the keypairs it yields
 * (whitepaper section 5.4.2 to 5.4.6).
 *
 * A peer's handshake goes ZEROED -> CREATED_INITIATION -> (response)
 * CONSUMED_RESPONSE on the initiator, ZEROED -> CONSUMED_INITIATION ->
 * CREATED_RESPONSE on the responder; noise_begin_session() then turns it
 * into a keypair and zeroes it.  Keypairs are previous/current/next: the
 * initiator's new keypair is current at once, the responder's is next
 * until the initiator's first transport message arrives under it.
 */
#ifndef EG_WG_NOISE_H
#define EG_WG_NOISE_H

#include <stdint.h>

#include "wg.h"
#include "wg_msg.h"
#include "wg_replay.h"

#define WG_CONSTRUCTION	"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
#define WG_IDENTIFIER	"WireGuard v1 zx2c4 Jason@zx2c4.com"

enum noise_state {
	NOISE_ZEROED,
	NOISE_CREATED_INITIATION,
	NOISE_CONSUMED_INITIATION,
	NOISE_CREATED_RESPONSE,
	NOISE_CONSUMED_RESPONSE
};

struct noise_handshake {
	enum noise_state state;
	int		 has_index;
	uint32_t	 local_index;
	uint32_t	 remote_index;
	uint8_t		 e_priv[WG_KEY_LEN];	/* our ephemeral */
	uint8_t		 e_remote[WG_KEY_LEN];	/* theirs */
	uint8_t		 hash[WG_HASH_LEN];
	uint8_t		 ck[WG_HASH_LEN];
	/* Kept across handshakes, against replayed initiations: */
	uint8_t		 latest_timestamp[WG_TIMESTAMP_LEN];
	uint64_t	 last_initiation_consumed;	/* mono ns, 0: never */
};

struct noise_keypair {
	int		 in_use;
	int		 initiator;	/* we sent the initiation */
	uint32_t	 local_index;	/* in our index table */
	uint32_t	 remote_index;	/* to put in what we send */
	uint64_t	 birth;		/* mono ns */
	uint8_t		 send_key[WG_KEY_LEN];
	uint8_t		 recv_key[WG_KEY_LEN];
	uint64_t	 send_counter;	/* next nonce */
	int		 send_valid;
	int		 recv_valid;
	struct wg_replay recv_replay;
};

#define NOISE_KEYPAIR_SLOTS	3

struct noise_keypairs {
	struct noise_keypair	 slot[NOISE_KEYPAIR_SLOTS];
	struct noise_keypair	*previous;
	struct noise_keypair	*current;
	struct noise_keypair	*next;
};

struct wg_local;
struct wg_peer;

/* HASH(CONSTRUCTION) and HASH(that || IDENTIFIER): the start of both. */
void	noise_init_constants(uint8_t ck0[WG_HASH_LEN],
	    uint8_t h0[WG_HASH_LEN]);

/* Writes an initiation (macs excepted); WG_DROP_* on failure. */
enum wg_drop noise_create_initiation(struct wg_local *, struct wg_peer *,
	    struct wg_time, struct wg_msg_initiation *);
/* Authenticates an initiation; sets *peerp to the sender when known. */
enum wg_drop noise_consume_initiation(struct wg_local *,
	    const struct wg_msg_initiation *, struct wg_time,
	    struct wg_peer **peerp);
enum wg_drop noise_create_response(struct wg_local *, struct wg_peer *,
	    struct wg_msg_response *);
/*
 * Whether a response answers the handshake we have in flight, before
 * any Diffie-Hellman: sets *peerp to the peer its index names, if any.
 */
enum wg_drop noise_response_peer(struct wg_local *,
	    const struct wg_msg_response *, struct wg_peer **peerp);
enum wg_drop noise_consume_response(struct wg_local *,
	    const struct wg_msg_response *, struct wg_peer **peerp);
/* Derives the keypair of a completed handshake and files it. */
enum wg_drop noise_begin_session(struct wg_local *, struct wg_peer *,
	    uint64_t now);
/*
 * Called for each authenticated transport message: when kp is the next
 * keypair, it becomes current.  Returns 1 on that rotation.
 */
int	noise_received_with(struct wg_local *, struct wg_peer *,
	    struct noise_keypair *);
/* Wipe the handshake / every keypair, and drop their indices. */
void	noise_handshake_clear(struct wg_local *, struct wg_peer *);
void	noise_keypairs_clear(struct wg_local *, struct wg_peer *);

#endif /* EG_WG_NOISE_H */
