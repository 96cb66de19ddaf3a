#!/usr/bin/env python3
"""Reads a PSKC file (RFC 6030) with python-pskc (PyPI), a PSKC library independent of
otpbridge, and prints its keys as JSON, for PSKCInteropTests.

usage: pskc-read.py FILE [PASSWORD_FILE]
With PASSWORD_FILE, an encrypted file's key is derived from the password on its first line
(PBKDF2, as RFC 6030 §6.2 and python-pskc do it) before the keys are read.
Each key: {"kind": "totp"|"hotp", "secret": base32 without padding, "digits", "period",
"counter", "algorithm": the HMAC hash, "issuer", "user"}.
"""
import base64
import json
import sys

import pskc


def main():
    container = pskc.PSKC(sys.argv[1])
    if len(sys.argv) > 2:
        with open(sys.argv[2], "rb") as file:
            container.encryption.derive_key(file.read().split(b"\n")[0].rstrip(b"\r").decode())
    keys = []
    for key in container.keys:
        keys.append({
            "kind": (key.algorithm or "").rsplit(":", 1)[-1],
            "secret": base64.b32encode(key.secret).decode().rstrip("="),
            "digits": key.response_length,
            "period": key.time_interval,
            "counter": key.counter,
            "algorithm": key.algorithm_suite,
            "issuer": key.issuer,
            "user": key.key_userid,
        })
    print(json.dumps(keys, indent=1))


if __name__ == "__main__":
    main()
