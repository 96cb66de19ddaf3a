#!/usr/bin/env python3
"""Reads a file with pass-import (PyPI), an importer independent of otpbridge, and prints what it
found as JSON, for PassImportTests.

usage: pass-import-read.py CLASS FILE
CLASS is a pass-import manager class (Aegis, AndOTP, BitwardenJSON, BitwardenCSV,
OnePassword8CSV, FreeOTPPlus). Prints {"detected": the class pass-import's own format detection
picks for the manager's name (what `pimport DEST NAME FILE` would use), "entries": [{"title",
"otp"}]}, where "otp" is the entry's one-time-password URI taken apart: type, secret (base32,
upper case, no padding), algorithm, digits, period, counter, each null when the URI lacks it, and
"uri" for a URI that is not otpauth (Bitwarden's steam://). Exit 2 when pass-import refuses the
file, with its message on standard error.
"""
import json
import sys
from urllib.parse import parse_qs, urlsplit

import pass_import
from pass_import.auto import AutoDetect


def taken_apart(uri):
    if not uri:
        return None
    parts = urlsplit(uri)
    if parts.scheme != "otpauth":
        return {"uri": uri}
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}

    def number(name):
        return int(query[name]) if name in query else None

    return {
        "type": parts.netloc,
        "secret": query.get("secret", "").upper().rstrip("="),
        "algorithm": query.get("algorithm"),
        "digits": number("digits"),
        "period": number("period"),
        "counter": number("counter"),
    }


def main():
    class_name, path = sys.argv[1], sys.argv[2]
    manager = next(c for c in pass_import.Managers().classes() if c.__name__ == class_name)
    detected = AutoDetect(manager.name).format(path).__name__
    try:
        with manager(path) as importer:
            importer.parse()
    except Exception as error:  # pass-import's own CLI reports these as the file being invalid
        print(f"pass-import refused {path}: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
    entries = [{"title": item.get("title"), "otp": taken_apart(item.get("otpauth"))} for item in importer.data]
    print(json.dumps({"detected": detected, "entries": entries}, indent=1))


if __name__ == "__main__":
    main()
