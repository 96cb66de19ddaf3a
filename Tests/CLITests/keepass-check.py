#!/usr/bin/env python3
"""An independent check of otpbridge's KeePass databases, on pykeepass (PyPI) and this file's own
one-time-password code, written from RFC 4226/6238 and the field layouts KeePassXC and KeePass 2.51
document (formats.md §10.5); nothing here comes from otpbridge.

  keepass-check.py codes DB PASSWORD_FILE AT
      Opens DB with pykeepass and prints, as JSON, each entry outside the recycle bin that has a
      one-time password: title, username, group path and its code at Unix time AT. An entry whose
      otpauth URI and KeePass 2.51 TimeOtp-* fields disagree is an error (exit 1).
  keepass-check.py make DIR AT
      Writes databases with pykeepass that hold every form of one-time password otpbridge reads,
      some opened by key files, and DIR/expected.json: for each database its password, key file and
      the entries with their codes at AT.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import sys
from urllib.parse import parse_qs, unquote, urlparse

from pykeepass import PyKeePass, create_database

STEAM_ALPHABET = "23456789BCDFGHJKMNPQRTVWXY"
HASHES = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def b32(text):
    text = text.replace(" ", "").upper().rstrip("=")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(secret, counter, digits=6, algorithm="SHA1", steam=False):
    mac = hmac.new(secret, struct.pack(">Q", counter), HASHES[algorithm]).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    if steam:
        chars = []
        for _ in range(5):
            chars.append(STEAM_ALPHABET[value % len(STEAM_ALPHABET)])
            value //= len(STEAM_ALPHABET)
        return "".join(chars)
    return str(value % 10**digits).zfill(digits)


def uri_code(uri, at):
    parsed = urlparse(uri)
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    secret = b32(unquote(query["secret"]))
    algorithm = query.get("algorithm", "SHA1").upper()
    steam = query.get("encoder") == "steam" or parsed.netloc == "steam"
    if parsed.netloc == "hotp":
        return hotp(secret, int(query.get("counter", "0")), int(query.get("digits", "6")), algorithm)
    period = int(query.get("period", "30"))
    return hotp(secret, at // period, int(query.get("digits", "6")), algorithm, steam)


def native_totp_code(props, at):
    for suffix, decode in (("Secret", str.encode), ("Secret-Hex", bytes.fromhex), ("Secret-Base32", b32),
                           ("Secret-Base64", base64.b64decode)):
        if "TimeOtp-" + suffix in props:
            secret = decode(props["TimeOtp-" + suffix])
            break
    else:
        return None
    algorithm = {"HMAC-SHA-1": "SHA1", "HMAC-SHA-256": "SHA256", "HMAC-SHA-512": "SHA512"}[
        props.get("TimeOtp-Algorithm", "HMAC-SHA-1")]
    period = int(props.get("TimeOtp-Period", "30"))
    return hotp(secret, at // period, int(props.get("TimeOtp-Length", "6")), algorithm)


def entry_code(entry, at):
    props = entry.custom_properties
    codes = []
    if entry.otp:
        codes.append(uri_code(entry.otp, at))
    native = native_totp_code(props, at)
    if native is not None:
        codes.append(native)
    if "HmacOtp-Secret-Base32" in props:
        codes.append(hotp(b32(props["HmacOtp-Secret-Base32"]), int(props.get("HmacOtp-Counter", "0"))))
    if len(set(codes)) > 1:
        sys.exit(f"{entry.title}: the otp URI and the KeePass fields give different codes {codes}")
    return codes[0] if codes else None


def group_path(entry):
    names = []
    group = entry.group
    while group is not None and not group.is_root_group:
        names.insert(0, group.name)
        group = group.parentgroup
    return "/".join(names)


def codes(database, password_file, at):
    with open(password_file, encoding="utf-8") as f:
        password = f.readline().rstrip("\n")
    kp = PyKeePass(database, password=password)
    out = []
    for entry in kp.entries:
        if kp.recyclebin_group is not None and kp.recyclebin_group in [entry.group] + list(_parents(entry.group)):
            continue
        code = entry_code(entry, at)
        if code is not None:
            out.append({"title": entry.title or "", "username": entry.username or "", "group": group_path(entry), "code": code})
    print(json.dumps(out, ensure_ascii=False, indent=1))


def _parents(group):
    while group is not None:
        group = group.parentgroup
        if group is not None:
            yield group


SECRET = b"12345678901234567890"  # RFC 4226's test secret
SECRET32 = base64.b32encode(SECRET).decode()


def make(folder, at):
    expected = {}

    # Every form of one-time password, in groups, with one entry deleted to the recycle bin.
    path = os.path.join(folder, "forms.kdbx")
    kp = create_database(path, password="pässword")
    work = kp.add_group(kp.add_group(kp.root_group, "Work"), "Sub")
    entries = []

    def add(title, username, group, fields, code, otp=None):
        entry = kp.add_entry(group, title, username, "not-a-secret-password")
        if otp is not None:
            entry.otp = otp
        for key, value in fields.items():
            entry.set_custom_property(key, value, protect="Secret" in key or key == "TOTP Seed")
        entries.append({"title": title, "username": username,
                        "group": "Work/Sub" if group is work else "", "code": code})
        return entry

    add("Legacy", "eight", kp.root_group, {"TOTP Seed": SECRET32.lower(), "TOTP Settings": "30;8"},
        hotp(SECRET, at // 30, 8))
    add("Legacy Steam", "gamer", kp.root_group, {"TOTP Seed": SECRET32, "TOTP Settings": "30;S"},
        hotp(SECRET, at // 30, steam=True))
    add("KeeOTP", "kee", kp.root_group, {}, hotp(SECRET, at // 25, 8, "SHA256"),
        otp=f"key={SECRET32}%3d%3d%3d%3d&step=25&size=8&otpHashMode=Sha256")
    add("Native hex", "hex", kp.root_group,
        {"TimeOtp-Secret-Hex": SECRET.hex(), "TimeOtp-Length": "8", "TimeOtp-Period": "45",
         "TimeOtp-Algorithm": "HMAC-SHA-512"}, hotp(SECRET, at // 45, 8, "SHA512"))
    add("Native base64", "b64", kp.root_group, {"TimeOtp-Secret-Base64": base64.b64encode(SECRET).decode()},
        hotp(SECRET, at // 30))
    add("Native text", "utf8", kp.root_group, {"TimeOtp-Secret": SECRET.decode()}, hotp(SECRET, at // 30))
    add("Counter", "hotp", kp.root_group, {"HmacOtp-Secret-Base32": SECRET32, "HmacOtp-Counter": "7"},
        hotp(SECRET, 7))
    add("In a group", "grouped", work, {}, hotp(SECRET, at // 60, 7, "SHA256"),
        otp=f"otpauth://totp/Grouped:grouped?secret={SECRET32}&digits=7&period=60&algorithm=SHA256")
    deleted = kp.add_entry(kp.root_group, "Deleted", "gone", "x")
    deleted.otp = f"otpauth://totp/Deleted:gone?secret={SECRET32}"
    kp.trash_entry(deleted)
    kp.add_entry(kp.root_group, "No OTP", "plain", "x")
    kp.save()
    expected["forms.kdbx"] = {"password": "pässword", "keyFile": None, "entries": entries}

    # Key files: KeePass's XML version 2.0 alone, 32 raw bytes with a password, any other file hashed.
    key = hashlib.sha256(b"otpbridge key file").digest()
    hexed = key.hex().upper()
    groups = " ".join(hexed[i:i + 8] for i in range(0, 64, 8))
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<KeyFile>\n\t<Meta>\n\t\t<Version>2.0</Version>\n\t</Meta>\n'
           f'\t<Key>\n\t\t<Data Hash="{hashlib.sha256(key).hexdigest()[:8].upper()}">{groups}</Data>\n\t</Key>\n</KeyFile>\n')
    keyfiles = {"xml2.keyx": xml.encode(), "raw.key": os.urandom(32), "photo.jpg": os.urandom(1000)}
    for name, content in keyfiles.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)
        password = None if name == "xml2.keyx" else "with key"
        db = f"keyfile-{name.split('.')[0]}.kdbx"
        kp = create_database(os.path.join(folder, db), password=password, keyfile=os.path.join(folder, name))
        entry = kp.add_entry(kp.root_group, "Keyed", name, "x")
        entry.otp = f"otpauth://totp/Keyed:{name}?secret={SECRET32}"
        kp.save()
        expected[db] = {"password": password, "keyFile": name,
                        "entries": [{"title": "Keyed", "username": name, "group": "", "code": hotp(SECRET, at // 30)}]}

    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    if sys.argv[1] == "codes":
        codes(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
