#!/usr/bin/env python3
"""Makes the PSKC test fixtures with python-pskc (`pip install python-pskc`, tested with 1.4).

Run from this folder: python3 make-fixtures.py. It writes:
  plain.pskcxml           TOTP and HOTP keys with plain secrets
  pbkdf2.pskcxml          the same keys, encrypted with a PBKDF2-derived key (password in pbkdf2-password.txt)
  preshared.pskcxml       the same keys, encrypted with a pre-shared AES-256 key (hex in preshared-key.txt)
  entra-tokens.pskcxml    three TOTP SHA1 6-digit tokens Entra can take, PBKDF2-encrypted (same password)
  seeds.csv               a vendor serial,secret CSV of the same three tokens' seeds
  assignment.csv          serial,upn for those three serials
  expected.json           every key's fields and its codes, computed here with hmac, and the
                          Entra upload rows that entra-tokens.pskcxml with assignment.csv must give
All secrets are made up. Encryption draws random salts and IVs, so each run gives new bytes.
"""
import base64
import hashlib
import hmac
import json
import struct

import pskc

# Made-up tokens: (serial, secret, kind, algorithm, digits, period or counter, user, issuer, model).
TOKENS = [
    ("TOTP-0001", b"12345678901234567890", "totp", "SHA1", 6, 30, "alice@contoso.com", "Contoso", "C200"),
    ("TOTP-0002", bytes(range(32)), "totp", "SHA256", 8, 60, "bob@contoso.com", None, "C300"),
    ("HOTP-0003", b"made-up hotp secret!", "hotp", "SHA1", 6, 5, "carol@contoso.com", "Contoso", "H100"),
]
# Hardware tokens as Entra ID takes them (SHA1, 6 digits, 30 or 60 s): (serial, secret, period, model).
ENTRA_TOKENS = [
    ("ENT-1001", b"entra token one seed", 30, "C200"),
    ("ENT-1002", b"entra token two seed", 60, "C200"),
    ("ENT-1003", bytes(range(100, 120)), 30, "C260"),
]
ENTRA_USERS = {"ENT-1001": "dana@contoso.com", "ENT-1002": "erik@contoso.com", "ENT-1003": "fay@contoso.com"}
MANUFACTURER = "Token Works"
PASSWORD = "correct horse battery"
PRESHARED = bytes.fromhex("00112233445566778899aabbccddeeff102132435465768798a9bacbdcedfe0f")
TIMES = [0, 59, 1111111109, 2000000000]

def b32(secret):
    return base64.b32encode(secret).decode().rstrip("=")

def code(secret, algorithm, digits, moving_factor):
    digest = hmac.new(secret, struct.pack(">Q", moving_factor), getattr(hashlib, algorithm.lower())).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)

def build():
    container = pskc.PSKC()
    for serial, secret, kind, algorithm, digits, factor, user, issuer, model in TOKENS:
        key = container.add_key(
            secret=secret, algorithm="urn:ietf:params:xml:ns:keyprov:pskc:" + kind,
            response_length=digits, response_encoding="DECIMAL", serial=serial, model=model,
            manufacturer=MANUFACTURER, key_userid=user)
        if issuer:
            key.issuer = issuer
        key.algorithm_suite = algorithm
        if kind == "totp":
            key.time_interval = factor
            key.time_offset = 0
        else:
            key.counter = factor
    return container

def expected():
    entries = []
    for serial, secret, kind, algorithm, digits, factor, user, issuer, model in TOKENS:
        entry = {
            "serial": serial, "kind": kind, "algorithm": algorithm, "digits": digits, "name": user,
            "issuer": issuer or MANUFACTURER, "model": model, "secretBase32": b32(secret),
        }
        if kind == "totp":
            entry["period"] = factor
            entry["codes"] = {str(t): code(secret, algorithm, digits, t // factor) for t in TIMES}
        else:
            entry["counter"] = factor
            entry["codes"] = {str(factor): code(secret, algorithm, digits, factor)}
        entries.append(entry)
    return entries

plain = build()
plain.write("plain.pskcxml")

encrypted = build()
encrypted.encryption.setup_pbkdf2(PASSWORD, iterations=12000, key_length=16)
encrypted.mac.algorithm = "hmac-sha1"
encrypted.write("pbkdf2.pskcxml")
with open("pbkdf2-password.txt", "w") as f:
    f.write(PASSWORD + "\n")

preshared = build()
preshared.encryption.setup_preshared_key(key=PRESHARED, algorithm="aes256-cbc", key_name="Pre-shared-key")
preshared.mac.algorithm = "hmac-sha256"
preshared.write("preshared.pskcxml")
with open("preshared-key.txt", "w") as f:
    f.write(PRESHARED.hex() + "\n")

entra = pskc.PSKC()
for serial, secret, period, model in ENTRA_TOKENS:
    key = entra.add_key(
        secret=secret, algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp", response_length=6,
        response_encoding="DECIMAL", serial=serial, model=model, manufacturer=MANUFACTURER)
    key.time_interval = period
entra.encryption.setup_pbkdf2(PASSWORD, iterations=12000, key_length=16)
entra.mac.algorithm = "hmac-sha1"
entra.write("entra-tokens.pskcxml")

with open("seeds.csv", "w") as f:
    f.write("serial,secret\n")
    for serial, secret, *_ in ENTRA_TOKENS:
        f.write(f"{serial},{b32(secret)}\n")

with open("assignment.csv", "w") as f:
    f.write("serial,upn\n")
    for serial, upn in ENTRA_USERS.items():
        f.write(f"{serial},{upn}\n")

with open("expected.json", "w") as f:
    upload = ["upn,serial number,secret key,time interval,manufacturer,model"] + [
        f"{ENTRA_USERS[serial]},{serial},{b32(secret)},{period},{MANUFACTURER},{model}"
        for serial, secret, period, model in ENTRA_TOKENS]
    json.dump({"manufacturer": MANUFACTURER, "times": TIMES, "tokens": expected(), "entraUpload": upload}, f, indent=2)
    f.write("\n")

# Check the encrypted files decrypt with python-pskc itself.
for name, unlock in [("pbkdf2.pskcxml", lambda p: p.encryption.derive_key(PASSWORD)),
                     ("preshared.pskcxml", lambda p: setattr(p.encryption, "key", PRESHARED)),
                     ("entra-tokens.pskcxml", lambda p: p.encryption.derive_key(PASSWORD))]:
    check = pskc.PSKC(name)
    unlock(check)
    tokens = ENTRA_TOKENS if name.startswith("entra") else TOKENS
    assert [k.secret for k in check.keys] == [t[1] for t in tokens], name
