#!/usr/bin/env python3
"""An independent check of files otpbridge writes for password managers' own importers, written from
what each importer reads (nothing here comes from otpbridge): every member or column the importer
looks up must be there and of its type, and each entry's code is computed from its otpauth URI with
keepass-check.py's RFC 6238 code.

  manager-import-check.py proton-pass FILE AT [PASSWORD_FILE]
      FILE is the zip Proton Pass imports (ProtonMail/WebClients, packages/pass/lib/import/
      providers/protonpass): `Proton Pass/data.pgp` decrypted with GnuPG and PASSWORD_FILE when it
      is there, else `Proton Pass/data.json`.
  manager-import-check.py apple-passwords FILE AT
      FILE is the CSV the Passwords app imports: the header Title,URL,Username,Password,Notes,OTPAuth
      (Apple's "Importing data exported from Safari"), six cells a row.

Prints, as JSON, [{"group", "title", "username", "code"}] for each entry with a one-time password,
its code at Unix time AT. A file the importer would refuse, or an entry it would skip or show no
code for, is an error (exit 1, the reason on standard error).
"""
import csv
import importlib.util
import io
import json
import os
import subprocess
import sys
import zipfile

spec = importlib.util.spec_from_file_location(
    "keepass_check", os.path.join(os.path.dirname(os.path.abspath(__file__)), "keepass-check.py"))
keepass_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(keepass_check)


def fail(reason):
    sys.stderr.write(reason + "\n")
    sys.exit(1)


def require(value, kind, where):
    if not isinstance(value, kind):
        fail(f"{where}: expected {kind.__name__}, found {type(value).__name__}")
    return value


def code_of(uri, where, at):
    # Proton Pass and Apple make codes from a whole otpauth URI only.
    if not uri.startswith("otpauth://totp/"):
        fail(f"{where}: not an otpauth TOTP URI")
    return keepass_check.uri_code(uri, at)


def proton_pass(path, at, password_file):
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if "Proton Pass/data.pgp" in names:
            if not password_file:
                fail("the export is encrypted: give PASSWORD_FILE")
            armoured = archive.read("Proton Pass/data.pgp")
            result = subprocess.run(
                ["gpg", "--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase-file", password_file,
                 "--decrypt"], input=armoured, capture_output=True, env=dict(os.environ, GNUPGHOME=os.path.dirname(path)))
            if result.returncode != 0:
                fail("GnuPG did not decrypt data.pgp: " + result.stderr.decode(errors="replace"))
            text = result.stdout
        elif "Proton Pass/data.json" in names:
            text = archive.read("Proton Pass/data.json")
        else:
            fail(f"no Proton Pass/data.json or data.pgp in {names}")
    export = require(json.loads(text), dict, "data.json")
    require(export.get("version"), str, "version")
    entries = []
    for key, vault in require(export.get("vaults"), dict, "vaults").items():
        require(vault, dict, f"vault {key}")
        name = require(vault.get("name"), str, f"vault {key} name")
        if not name:
            fail(f"vault {key} has no name")
        for position, item in enumerate(require(vault.get("items"), list, f"vault {key} items")):
            where = f"vault {key} item {position}"
            data = require(item.get("data"), dict, where + " data")
            if data.get("type") != "login":
                fail(where + ": not a login")
            if item.get("state") != 1:
                fail(where + ": not an active item (state 1)")
            require(item.get("pinned"), bool, where + " pinned")
            for field in ("createTime", "modifyTime"):
                require(item.get(field), int, f"{where} {field}")
            metadata = require(data.get("metadata"), dict, where + " metadata")
            for field in ("name", "note", "itemUuid"):
                require(metadata.get(field), str, f"{where} metadata.{field}")
            content = require(data.get("content"), dict, where + " content")
            for field in ("itemEmail", "itemUsername", "password", "totpUri"):
                require(content.get(field), str, f"{where} content.{field}")
            for field in ("urls", "passkeys"):
                require(content.get(field), list, f"{where} content.{field}")
            require(data.get("extraFields"), list, where + " extraFields")
            entries.append({
                "group": name, "title": metadata["name"],
                "username": content["itemUsername"] or content["itemEmail"],
                "code": code_of(content["totpUri"], where, at),
            })
    return entries


def apple_passwords(path, at):
    with open(path, newline="", encoding="utf-8") as file:
        text = file.read()
    if text.startswith("\ufeff"):
        fail("a byte-order mark before the header")
    rows = list(csv.reader(io.StringIO(text)))
    if rows[0] != ["Title", "URL", "Username", "Password", "Notes", "OTPAuth"]:
        fail(f"the header is {rows[0]}")
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 6:
            fail(f"line {number}: {len(row)} cells")
        title, _, username, _, _, otp = row
        entries.append({"group": "", "title": title, "username": username,
                        "code": code_of(otp, f"line {number}", at)})
    return entries


def main():
    kind, path, at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "proton-pass":
        entries = proton_pass(path, at, sys.argv[4] if len(sys.argv) > 4 else None)
    elif kind == "apple-passwords":
        entries = apple_passwords(path, at)
    else:
        fail("unknown kind " + kind)
    json.dump(entries, sys.stdout)


if __name__ == "__main__":
    main()
