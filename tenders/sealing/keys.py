"""The cryptography that seals bids, composed from ``cryptography`` and ``pycryptodome``.

* A passphrase becomes a 256-bit key with scrypt (a fresh random salt per key).
* A secret is encrypted with AES-256-GCM under a random 96-bit nonce; the output is the nonce
  followed by the ciphertext and its tag. ``context`` is authenticated with it, so a ciphertext
  moved to another record does not decrypt.
* A secret is encrypted *to* an X25519 public key by an ephemeral key agreement: the shared
  secret goes through HKDF-SHA256 to an AES-256-GCM key; the output is the ephemeral public key
  followed by the AES-GCM output.
* A tender's key-encryption key is 16 random bytes, split with Shamir's secret sharing
  (``Crypto.Protocol.SecretSharing.Shamir``); it is stretched with HKDF to the AES-256 key that
  encrypts the tender's private key.
"""

import os

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
KEK_BYTES = 16
PUBLIC_KEY_BYTES = 32
SCRYPT_BLOCK_SIZE = 8
SCRYPT_PARALLELISM = 1


class DecryptionFailed(Exception):
    """A wrong key or passphrase, or a ciphertext that was changed."""


def passphrase_key(passphrase, salt, cost):
    """The 256-bit key of ``passphrase`` (scrypt with CPU/memory cost ``cost``)."""
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=cost, r=SCRYPT_BLOCK_SIZE, p=SCRYPT_PARALLELISM)
    return kdf.derive(passphrase.encode("utf-8"))


def new_salt():
    return os.urandom(SALT_BYTES)


def new_data_key():
    return AESGCM.generate_key(bit_length=256)


def encrypt(key, plaintext, context):
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def decrypt(key, sealed, context):
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)
    except (InvalidTag, ValueError) as error:
        raise DecryptionFailed from error


def new_key_pair():
    """``(private key, raw 32-byte public key)``."""
    private = X25519PrivateKey.generate()
    return private, public_bytes(private)


def public_bytes(private):
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def private_bytes(private):
    return private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def private_key(raw):
    return X25519PrivateKey.from_private_bytes(raw)


def _agreement_key(shared, context):
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=context).derive(shared)


def encrypt_to(public_key, plaintext, context):
    """``plaintext`` encrypted so that only the holder of ``public_key``'s private key reads it."""
    ephemeral, ephemeral_public = new_key_pair()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(bytes(public_key)))
    return ephemeral_public + encrypt(_agreement_key(shared, context), plaintext, context)


def decrypt_with(private, sealed, context):
    sealed = bytes(sealed)
    try:
        ephemeral_public = X25519PublicKey.from_public_bytes(sealed[:PUBLIC_KEY_BYTES])
    except ValueError as error:
        raise DecryptionFailed from error
    shared = private.exchange(ephemeral_public)
    return decrypt(_agreement_key(shared, context), sealed[PUBLIC_KEY_BYTES:], context)


def new_kek():
    return os.urandom(KEK_BYTES)


def kek_cipher_key(kek):
    return _agreement_key(kek, b"portal tender private key")


def split(kek, needed, count):
    """``count`` shares of ``kek``, any ``needed`` of which rebuild it: ``(index, 16 bytes)``."""
    return Shamir.split(needed, count, kek)


def combine(shares):
    """The key-encryption key rebuilt from ``(index, 16 bytes)`` shares (wrong shares give a
    wrong key, which then fails to decrypt)."""
    return Shamir.combine(list(shares))
