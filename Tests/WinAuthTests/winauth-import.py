#!/usr/bin/env python3
"""An independent reading of a WinAuth export, written from WinAuth 3's import rules
(WinAuthHelper.ImportAuthenticators, as docs/formats/winauth.md describes them), not from
otpbridge's Swift. Standard library only.

usage: winauth-import.py EXPORT PASSWORD_FILE|- UNIX_TIME
Prints a JSON list, one object per authenticator WinAuth would import: type, issuer, name and the
code at UNIX_TIME (HOTP: at its counter). A .zip is opened with the password (ZipCrypto) and every
.txt member read, as WinAuth does. Exits 1 on a line WinAuth's import would refuse.
"""
import base64
import hashlib
import hmac
import io
import json
import re
import struct
import sys
import zipfile
from urllib.parse import parse_qs, unquote, urlsplit

STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"


def hotp(key, counter, digits, digest, steam=False):
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    if steam:
        code = ""
        for _ in range(5):
            code += STEAM_ALPHABET[value % len(STEAM_ALPHABET)]
            value //= len(STEAM_ALPHABET)
        return code
    return str(value % 10 ** digits).zfill(digits)


def text_of(path, password_file):
    data = open(path, "rb").read()
    if not data.startswith(b"PK"):
        return data.decode("utf-8-sig")
    password = open(password_file, "rb").read().rstrip(b"\r\n")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(name, pwd=password).decode("utf-8-sig")
                         for name in archive.namelist() if name.lower().endswith(".txt"))


def main():
    path, password_file, now = sys.argv[1], sys.argv[2], int(sys.argv[3])
    result = []
    for number, line in enumerate(text_of(path, password_file).splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        question = line.find("?")
        if question > 0:  # WinAuth escapes a '#' in the label before parsing
            line = line[:question].replace("#", "%23") + line[question:]
        parts = urlsplit(line)
        if parts.scheme != "otpauth" or parts.netloc not in ("totp", "hotp"):
            print(f"line {number}: WinAuth refuses it", file=sys.stderr)
            return 1
        label = unquote(parts.path.lstrip("/")).replace("+", " ")
        issuer, _, name = label.partition(":") if ":" in label else ("", "", label)
        query = {key.lower(): values[0] for key, values in parse_qs(parts.query).items()}
        secret = query["secret"].upper()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
        digits = int(query.get("digits", "6"))
        period = int(query.get("period", "30"))
        digest = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}[
            query.get("algorithm", "SHA1").upper()]
        if issuer.lower() == "steam":
            entry = {"type": "steam", "issuer": "", "name": name,
                     "code": hotp(key, now // 30, 5, hashlib.sha1, steam=True)}
            data = json.loads(query["data"]) if "data" in query else {}
            entry["revocation_code"] = data.get("revocation_code", "")
            entry["deviceid"] = query.get("deviceid", "")
        elif issuer.lower() == "battlenet":
            if not re.fullmatch(r"[A-Z]{2}-?\d{4}-?\d{4}-?\d{4}", query.get("serial", "")):
                print(f"line {number}: WinAuth refuses a Battle.net serial it cannot read", file=sys.stderr)
                return 1
            entry = {"type": "battlenet", "issuer": "", "name": name, "serial": query.get("serial", ""),
                     "code": hotp(key, now // 30, 8, hashlib.sha1)}
        elif parts.netloc == "hotp":
            counter = int(query["counter"])
            entry = {"type": "hotp", "issuer": issuer, "name": name, "code": hotp(key, counter, digits, digest)}
        else:
            entry = {"type": "totp", "issuer": issuer, "name": name,
                     "code": hotp(key, now // period, digits, digest)}
        result.append(entry)
    json.dump(result, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
