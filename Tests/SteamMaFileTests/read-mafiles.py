#!/usr/bin/env python3
"""An independent reading of a Steam Desktop Authenticator maFiles folder, written from SDA's and
SteamAuth's description (manifest.json lists each maFile; a maFile is SteamGuardAccount's JSON, its
shared_secret base64; a Steam Guard code is HMAC-SHA1 over the 30-second step, truncated as in RFC
4226 and spelled with Steam's 26 characters), not from otpbridge's Swift. Standard library only.

usage: read-mafiles.py FOLDER UNIX_TIME
Prints a JSON list, one object per manifest entry: filename, steamid, account_name,
revocation_code and the code at UNIX_TIME. Exits 1 when a listed maFile is missing or not SDA's.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys

ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"
STRINGS = ("shared_secret", "serial_number", "revocation_code", "uri", "account_name", "token_gid",
           "identity_secret", "secret_1", "device_id")


def steam_code(secret, now):
    mac = hmac.new(secret, struct.pack(">Q", now // 30), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    code = ""
    for _ in range(5):
        code += ALPHABET[value % len(ALPHABET)]
        value //= len(ALPHABET)
    return code


def main():
    folder, now = sys.argv[1], int(sys.argv[2])
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    if manifest.get("encrypted") is not False:
        print("the manifest does not say the folder is plain", file=sys.stderr)
        return 1
    result = []
    for entry in manifest["entries"]:
        account = json.load(open(os.path.join(folder, entry["filename"])))
        # steamguard-cli reads these as strings and server_time as a number.
        if not all(isinstance(account.get(name), str) for name in STRINGS) or not isinstance(account["server_time"], int):
            print(f"{entry['filename']}: a member is not of SDA's type", file=sys.stderr)
            return 1
        if account["Session"]["SteamID"] != entry["steamid"]:
            print(f"{entry['filename']}: the manifest's SteamID is not the maFile's", file=sys.stderr)
            return 1
        result.append({
            "filename": entry["filename"], "steamid": entry["steamid"], "account_name": account["account_name"],
            "revocation_code": account["revocation_code"],
            "code": steam_code(base64.b64decode(account["shared_secret"]), now),
        })
    json.dump(result, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
