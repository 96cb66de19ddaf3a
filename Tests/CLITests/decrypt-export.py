#!/usr/bin/env python3
"""Opens an encrypted export otpbridge wrote, with code written here from each format's public
description (../shared/reference/formats.md, the section named at each function) and maintained
libraries (cryptography, PyNaCl for libsodium, argon2-cffi), none of it otpbridge's; then writes
the plain file of the same format, for EncryptedInteropTests to compare with the source.

usage: decrypt-export.py FORMAT ENCRYPTED PASSWORD_FILE PLAIN_OUT
FORMAT: aegis, 2fas, andotp, bitwarden-json, ente, proton, stratum. Exit 1 with the reason when the file
does not open.
"""
import base64
import json
import struct
import sys

import nacl.bindings
import nacl.pwhash
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt


def pbkdf2(algorithm, password, salt, iterations):
    return PBKDF2HMAC(algorithm=algorithm, length=32, salt=salt, iterations=iterations).derive(password)


def aegis(data, password):
    """§5: scrypt opens the master key from a password slot; AES-256-GCM opens the database."""
    vault = json.loads(data)
    for slot in vault["header"]["slots"]:
        if slot["type"] != 1:
            continue
        key = Scrypt(salt=bytes.fromhex(slot["salt"]), length=32, n=slot["n"], r=slot["r"], p=slot["p"]).derive(password)
        params = slot["key_params"]
        master = AESGCM(key).decrypt(
            bytes.fromhex(params["nonce"]), bytes.fromhex(slot["key"]) + bytes.fromhex(params["tag"]), None)
        params = vault["header"]["params"]
        content = AESGCM(master).decrypt(
            bytes.fromhex(params["nonce"]), base64.b64decode(vault["db"]) + bytes.fromhex(params["tag"]), None)
        vault["header"] = {"slots": None, "params": None}
        vault["db"] = json.loads(content)
        return json.dumps(vault).encode()
    raise ValueError("no password slot")


# §6.3: the text every 2FAS backup's `reference` decrypts to; iOS refuses a backup whose does not.
TWO_FAS_REFERENCE = (
    b"tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ"
    b"2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn"
    b"8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd"
)


def two_fas(data, password):
    """§6.3: each string is b64(ciphertext‖tag):b64(salt):b64(iv); PBKDF2-SHA256, 10,000 rounds; AES-GCM."""
    backup = json.loads(data)

    def open_string(text):
        sealed, salt, iv = (base64.b64decode(part) for part in text.split(":"))
        key = pbkdf2(hashes.SHA256(), password, salt, 10_000)
        return AESGCM(key).decrypt(iv, sealed, None)

    # A wrong password fails here, as in the apps; the text must be 2FAS's own.
    if open_string(backup.pop("reference")) != TWO_FAS_REFERENCE:
        raise ValueError("the reference does not decrypt to 2FAS's reference text")
    backup["services"] = json.loads(open_string(backup.pop("servicesEncrypted")))
    return json.dumps(backup).encode()


def andotp(data, password):
    """§7.2: iterations (int32, big-endian) ‖ salt (12) ‖ IV (12) ‖ ciphertext ‖ tag; PBKDF2-SHA1; AES-GCM."""
    (iterations,) = struct.unpack(">i", data[:4])
    key = pbkdf2(hashes.SHA1(), password, data[4:16], iterations)
    return AESGCM(key).decrypt(data[16:28], data[28:], None)


def bitwarden(data, password):
    """§4.4: PBKDF2-SHA256 over the salt's base64 text, HKDF-Expand into enc and mac keys; EncString
    type 2 is AES-256-CBC with HMAC-SHA256 over IV‖ciphertext, checked before decrypting."""
    export = json.loads(data)
    # Without passwordProtected, Bitwarden takes the file for an account-restricted export (§4.4, §4.3).
    if export.get("encrypted") is not True or export.get("passwordProtected") is not True:
        raise ValueError("not marked encrypted and passwordProtected")
    if export["kdfType"] != 0 or export["kdfIterations"] < 5000:
        raise ValueError(f"kdfType {export['kdfType']} with {export['kdfIterations']} iterations")
    key = pbkdf2(hashes.SHA256(), password, export["salt"].encode(), export["kdfIterations"])
    enc_key = HKDFExpand(algorithm=hashes.SHA256(), length=32, info=b"enc").derive(key)
    mac_key = HKDFExpand(algorithm=hashes.SHA256(), length=32, info=b"mac").derive(key)

    def open_string(text):
        kind, rest = text.split(".", 1)
        if kind != "2":
            raise ValueError(f"EncString type {kind}")
        iv, ciphertext, mac = (base64.b64decode(part) for part in rest.split("|"))
        check = hmac.HMAC(mac_key, hashes.SHA256())
        check.update(iv + ciphertext)
        check.verify(mac)
        decryptor = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).decryptor()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(decryptor.update(ciphertext) + decryptor.finalize()) + unpadder.finalize()

    open_string(export["encKeyValidation_DO_NOT_EDIT"])
    return open_string(export["data"])


def ente(data, password):
    """§9.2: crypto_pwhash Argon2id with the file's limits; one secretstream message tagged FINAL."""
    export = json.loads(data)
    params = export["kdfParams"]
    key = nacl.pwhash.argon2id.kdf(
        32, password, base64.b64decode(params["salt"]), opslimit=params["opsLimit"], memlimit=params["memLimit"])
    state = nacl.bindings.crypto_secretstream_xchacha20poly1305_state()
    nacl.bindings.crypto_secretstream_xchacha20poly1305_init_pull(state, base64.b64decode(export["encryptionNonce"]), key)
    message, tag = nacl.bindings.crypto_secretstream_xchacha20poly1305_pull(state, base64.b64decode(export["encryptedData"]))
    if tag != nacl.bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL:
        raise ValueError(f"stream tag {tag}, not FINAL")
    return message


def proton(data, password):
    """§10.3: Argon2id v1.3 (19,456 KiB, 2 passes, 1 lane); nonce (12) ‖ AES-256-GCM ciphertext ‖ tag,
    with the export's fixed associated data."""
    export = json.loads(data)
    # An encrypted export is told from a plain one by its version 1 and having no entries (§10.3).
    if export.get("version") != 1 or "entries" in export:
        raise ValueError("not version 1 without entries")
    key = hash_secret_raw(password, base64.b64decode(export["salt"]), 2, 19_456, 1, 32, Type.ID, version=0x13)
    content = base64.b64decode(export["content"])
    return AESGCM(key).decrypt(content[:12], content[12:], b"proton.authenticator.export.v1")


def stratum(data, password):
    """Stratum's strong backup (Stratum.Core StrongBackupEncryption): "AUTHENTICATORPRO" ‖ salt (16) ‖
    IV (12) ‖ AES-256-GCM ciphertext ‖ tag; key = Argon2id (3 passes, 64 MiB, 4 lanes, 32 bytes)."""
    if not data.startswith(b"AUTHENTICATORPRO"):
        raise ValueError("no strong header")
    salt, iv, sealed = data[16:32], data[32:44], data[44:]
    key = hash_secret_raw(password, salt, 3, 65_536, 4, 32, Type.ID, version=0x13)
    plain = AESGCM(key).decrypt(iv, sealed, None)
    if not isinstance(json.loads(plain).get("Authenticators"), list):
        raise ValueError("no Authenticators list")
    return plain


OPENERS = {
    "aegis": aegis, "2fas": two_fas, "andotp": andotp, "bitwarden-json": bitwarden, "ente": ente, "proton": proton,
    "stratum": stratum,
}


def main():
    format_id, encrypted, password_file, plain_out = sys.argv[1:5]
    with open(password_file, "rb") as file:
        password = file.read().split(b"\n")[0].rstrip(b"\r")
    with open(encrypted, "rb") as file:
        data = file.read()
    try:
        plain = OPENERS[format_id](data, password)
    except Exception as error:  # any failure to open is the test's failure, with its reason
        print(f"{encrypted} does not open as {format_id}: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    with open(plain_out, "wb") as file:
        file.write(plain)


if __name__ == "__main__":
    main()
