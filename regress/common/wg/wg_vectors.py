#!/usr/bin/env python3
"""Independent model of a WireGuard handshake, to derive the fixed
vectors checked by t_wg_handshake.c.

Written from the whitepaper's formulas (section 5.4) on Python's
hashlib.blake2s and pyca/cryptography (X25519, ChaCha20-Poly1305); it
shares no code with common/.  It replays the deterministic test set-up
of regress/common/wg/wg_test.h: same keys, same random source, same clock,
A initiating towards B, then A's first transport message (64 bytes of
0x5a, counter 0).  It prints BLAKE2s-256 of the initiation, of the
response and of that transport message.

Not run by `make test` (it needs pyca/cryptography); run it by hand
after changing the test set-up:  python3 regress/common/wg/wg_vectors.py
"""

import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey, X25519PublicKey)
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives import serialization

CONSTRUCTION = b"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s"
IDENTIFIER = b"WireGuard v1 zx2c4 Jason@zx2c4.com"
LABEL_MAC1 = b"mac1----"

PRIV_A = bytes.fromhex("08112233445566778899aabbccddeeff"
                       "0112233445566778899aabbccddeef70")
PRIV_B = bytes.fromhex("102132435465768798a9bacbdcedfe0f"
                       "1f2e3d4c5b6a798897a6b5c4d3e2f140")
WALL0 = 1700000000  # seconds; the test clock starts on a whole second


class Rng:
    """Call n, block j: BLAKE2s-256(seed16 || le32(n) || le32(j))."""

    def __init__(self, seed):
        self.seed = seed.encode().ljust(16, b"\0")[:16]
        self.calls = 0

    def get(self, n):
        out = b""
        j = 0
        while len(out) < n:
            out += hashlib.blake2s(self.seed + struct.pack("<II", self.calls,
                                                           j)).digest()
            j += 1
        self.calls += 1
        return out[:n]


def HASH(*parts):
    return hashlib.blake2s(b"".join(parts)).digest()


def MAC(key, data):
    return hashlib.blake2s(data, key=key, digest_size=16).digest()


def HMAC(key, data):
    return hmac.new(key, data, hashlib.blake2s).digest()


def KDF(n, key, data):
    t0 = HMAC(key, data)
    out, prev = [], b""
    for i in range(1, n + 1):
        prev = HMAC(t0, prev + bytes([i]))
        out.append(prev)
    return out


def AEAD(key, counter, plain, ad):
    nonce = b"\0" * 4 + struct.pack("<Q", counter)
    return ChaCha20Poly1305(key).encrypt(nonce, plain, ad)


def clamp(k):
    k = bytearray(k)
    k[0] &= 248
    k[31] = (k[31] & 127) | 64
    return bytes(k)


def pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key() \
        .public_bytes(serialization.Encoding.Raw,
                      serialization.PublicFormat.Raw)


def DH(priv, public):
    return X25519PrivateKey.from_private_bytes(priv).exchange(
        X25519PublicKey.from_public_bytes(public))


def tai64n(sec, nsec):
    return struct.pack(">QI", 0x400000000000000a + sec, nsec)


def main():
    ra, rb = Rng("initiator-A"), Rng("responder-B")
    ra.get(16)  # each local draws its rate limiter's SipHash key first
    rb.get(16)
    spub_a, spub_b = pub(PRIV_A), pub(PRIV_B)
    psk = b"\0" * 32

    # Initiation, A -> B
    ci = HASH(CONSTRUCTION)
    hi = HASH(HASH(ci, IDENTIFIER), spub_b)
    epriv_i = clamp(ra.get(32))
    epub_i = pub(epriv_i)
    sender_i = ra.get(4)
    ci = KDF(1, ci, epub_i)[0]
    hi = HASH(hi, epub_i)
    ci, k = KDF(2, ci, DH(epriv_i, spub_b))
    enc_static = AEAD(k, 0, spub_a, hi)
    hi = HASH(hi, enc_static)
    ci, k = KDF(2, ci, DH(PRIV_A, spub_b))
    enc_ts = AEAD(k, 0, tai64n(WALL0, 0), hi)
    hi = HASH(hi, enc_ts)
    init = struct.pack("<I", 1) + sender_i + epub_i + enc_static + enc_ts
    init += MAC(HASH(LABEL_MAC1, spub_b), init) + b"\0" * 16

    # Response, B -> A
    cr, hr = ci, hi
    epriv_r = clamp(rb.get(32))
    epub_r = pub(epriv_r)
    sender_r = rb.get(4)
    cr = KDF(1, cr, epub_r)[0]
    hr = HASH(hr, epub_r)
    cr = KDF(1, cr, DH(epriv_r, epub_i))[0]
    cr = KDF(1, cr, DH(epriv_r, spub_a))[0]
    cr, tau, k = KDF(3, cr, psk)
    hr = HASH(hr, tau)
    enc_empty = AEAD(k, 0, b"", hr)
    resp = struct.pack("<I", 2) + sender_r + sender_i + epub_r + enc_empty
    resp += MAC(HASH(LABEL_MAC1, spub_a), resp) + b"\0" * 16

    # First transport message, A -> B: the initiator sends with T1.
    t_send_i, _ = KDF(2, cr, b"")
    data = struct.pack("<I", 4) + sender_r + struct.pack("<Q", 0)
    data += AEAD(t_send_i, 0, b"\x5a" * 64, b"")

    assert len(init) == 148 and len(resp) == 92 and len(data) == 96
    print("initiation", HASH(init).hex())
    print("response  ", HASH(resp).hex())
    print("transport ", HASH(data).hex())


if __name__ == "__main__":
    main()
