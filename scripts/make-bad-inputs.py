#!/usr/bin/env python3
"""Regenerates Tests/CLITests/BadInputs: damaged, hostile and mislabelled files for every reader,
and expectations.json, the error each one must end with (Tests/CLITests/BadInputTests.swift).

Seeds come from ../shared/vectors (or $OTPBRIDGE_VECTORS) and examples/. Every mutation is
deterministic, so running this again gives the same bytes. Usage: python3 scripts/make-bad-inputs.py
"""
import io
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = os.environ.get("OTPBRIDGE_VECTORS", os.path.join(ROOT, "..", "shared", "vectors"))
OUT = os.path.join(ROOT, "Tests", "CLITests", "BadInputs")

EXAMPLE = "example"  # examples/*/password.txt
# The message each error class prints (Sources/OTPCore/OTPError.swift); the test checks it.
cases = []


def seed(path):
    base = ROOT if path.startswith("examples/") else VECTORS
    with open(os.path.join(base, path), "rb") as f:
        return f.read()


def add(name, data, error, cause=None, fmt=None, password=None, note="", exit=3):
    """One corpus file: `error` is the OTPError case (or entryUnreadable: every entry skipped with a
    finding), `cause` a text the message must contain, `exit` the exit code."""
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    case = {"file": name, "error": error, "note": note, "exit": exit}
    if cause:
        case["cause"] = cause
    if fmt:
        case["from"] = fmt
    if password is not None:
        case["password"] = password
    cases.append(case)


def truncated(data):
    return data[: len(data) // 2]


def noise(size, salt):
    rng = random.Random(salt)
    return bytes(rng.randrange(256) for _ in range(size))


def replace_in_field(text, field, position=0.5):
    """Changes one base64 or hex character in the middle of a JSON string field's value."""
    match = re.search(rb'"%s"\s*:\s*"([^"]+)"' % field.encode(), text)
    start, end = match.span(1)
    index = start + int((end - start) * position)
    old = text[index : index + 1]
    new = b"A" if old != b"A" else b"B"
    return text[:index] + new + text[index + 1 :]


def json_set(data, mutate):
    value = json.loads(data)
    mutate(value)
    return json.dumps(value).encode()


def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, content)
    return buffer.getvalue()


def raivo_encrypted():
    """A Raivo zip under the password "example", made by the built otpbridge (zip AES needs libarchive);
    the committed copy is kept when there is no binary."""
    committed = os.path.join(ROOT, "Tests", "CLITests", "BadInputs", "raivo-encrypted.wrong-password.zip")
    binary = os.environ.get("OTPBRIDGE_BIN", os.path.join(ROOT, ".build", "debug", "otpbridge"))
    if not os.path.exists(binary):
        with open(committed, "rb") as f:
            return f.read()
    folder = tempfile.mkdtemp()
    subprocess.run(
        [binary, "convert", os.path.join(ROOT, "examples", "otpauth", "accounts.txt"), "--to", "raivo", "--allow-lossy",
         "-o", os.path.join(folder, "raivo.zip"), "--new-password-env", "RAIVO_PASSWORD"],
        env=dict(os.environ, RAIVO_PASSWORD=EXAMPLE), check=True, capture_output=True)
    with open(os.path.join(folder, "raivo.zip"), "rb") as f:
        data = f.read()
    shutil.rmtree(folder)
    return data


def main():
    encrypted_raivo = raivo_encrypted()
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)

    accounts = seed("examples/otpauth/accounts.txt")
    aegis_plain = seed("examples/aegis/vault.json")
    aegis_encrypted = seed("examples/aegis/vault-encrypted.json")
    twofas_plain = seed("examples/2fas/backup.2fas")
    twofas_encrypted = seed("examples/2fas/backup-encrypted.2fas")
    andotp_plain = seed("examples/andotp/otp_accounts.json")
    andotp_encrypted = seed("examples/andotp/otp_accounts.json.aes")
    proton = seed("aegis/importers/proton_authenticator.json")
    freeotp = seed("aegis/importers/freeotp_plus.json")
    raivo = seed("bitwarden-authenticator-ios/Fixtures/RaivoExport.json")
    onepux = seed("keepassxc/tests/data/1PasswordExport.1pux")
    bitwarden_plain = seed("stratum/data/bitwarden.unencrypted.json")
    bitwarden_encrypted = seed("stratum/data/bitwarden.encrypted.pbkdf2.json")
    bitwarden_argon = seed("stratum/data/bitwarden.encrypted.argon2id.json")
    bitwarden_csv = seed("aegis/importers/bitwarden.csv")
    ente_plain = seed("stratum/data/ente.unencrypted.txt")
    ente_encrypted = seed("stratum/data/ente.encrypted.json")
    google = seed("bitwarden-authenticator-ios/google_migration_from_GoogleImporterTests.txt")
    microsoft = seed("aegis/importers/microsoft_authenticator.sqlite")
    google_db = seed("aegis/importers/google_authenticator.sqlite")
    duo = seed("aegis/importers/duo.json")
    battle_net = seed("aegis/importers/battle_net_authenticator.xml")
    steam = seed("aegis/importers/steam_old.json")
    freeotp_tokens = seed("aegis/importers/freeotp.xml")
    stratum_plain = seed("aegis/importers/stratum_plain.json")
    stratum_strong = seed("aegis/importers/stratum_encrypted.bin")
    stratum_legacy = seed("aegis/importers/stratum_encrypted_legacy.bin")
    authy_encrypted = seed("aegis/importers/authy_encrypted.xml")
    totp_authenticator = seed("aegis/importers/totp_authenticator.bin")
    lastpass = seed("stratum/data/lastpass.json")
    freeotp_backup = seed("stratum/data/freeotp.bin")
    stratum_db = seed("aegis/importers/stratum_internal.db")
    winauth_zip = seed("stratum/data/winauth.zip")
    authplus_db = seed("stratum/data/authplus.db")
    keepass4 = seed("stratum/data/keepass.aes256.argon2id.kdbx")
    keepass3 = seed("stratum/data/keepass.kdbx3.kdbx")
    authplus_zip = seed("aegis/importers/authenticator_plus.zip")
    raivo_zip = zip_of([("raivo-otp-export.json", raivo)])
    keepassxc_csv = (
        b'"Group","Title","Username","Password","URL","Notes","TOTP","Icon","Last Modified","Created"\n'
        b'"Root","Example","alice","","","","otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example","0","",""\n'
    )
    onepassword_csv = (
        b"Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes\n"
        b"Example,,alice,,otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example,false,false,,\n"
    )

    # Empty and noise: nothing recognises them, and a reader named with --from says it is damaged.
    add("empty.txt", b"", "corrupted", cause="empty")
    add("blank.txt", b" \n\r\n\t\n", "corrupted", cause="empty", note="only white space")
    add("deep-nesting.json", b"[" * 100_000, "corrupted", cause="nesting depth")
    add("deep-nesting-objects.json", b'{"a":' * 50_000, "corrupted", cause="nesting depth", fmt="aegis")
    add("noise.bin", noise(4096, "noise"), "unrecognisedFormat")
    add("noise-zip-magic.zip", b"PK\x03\x04" + noise(2048, "zip"), "unrecognisedFormat",
        note="zip magic, then garbage: the zip readers sniff it and must not crash")
    for fmt, ext in [
        ("otpauth", "txt"), ("google-migration", "txt"), ("qr", "png"), ("aegis", "json"), ("2fas", "2fas"),
        ("andotp", "json"), ("proton", "json"), ("freeotp-plus", "json"), ("raivo", "zip"), ("1pux", "1pux"),
        ("bitwarden-json", "json"), ("bitwarden-csv", "csv"), ("keepassxc-csv", "csv"), ("1password-csv", "csv"),
        ("ms-authenticator", "sqlite"), ("ente", "txt"), ("otpbridge-json", "json"),
        ("google-authenticator-db", "sqlite"), ("duo", "json"), ("battle-net", "xml"), ("steam-mafile", "maFile"),
        ("freeotp-tokens", "xml"), ("stratum", "authpro"), ("authy", "xml"),
        ("totp-authenticator", "bin"), ("lastpass", "json"), ("winauth", "txt"), ("authenticator-plus", "db"),
        ("freeotp", "bin"), ("apple-passwords", "csv"), ("keepass", "kdbx"), ("opvault", "js"),
        ("lastpass-csv", "csv"), ("dashlane-csv", "csv"), ("enpass", "json"), ("keeper", "json"), ("keeper-csv", "csv"), ("nordpass-csv", "csv"), ("proton-pass", "json"),
        ("archive", "zip"),
    ]:
        add(f"{fmt}.empty.{ext}", b"", "corrupted", cause="empty", fmt=fmt, note="empty file read as this format")
        if fmt == "andotp":
            # An encrypted andOTP file is random bytes after a header: noise looks like one.
            add(f"{fmt}.noise.{ext}", noise(3000, fmt), "passwordRequired", fmt=fmt, note="noise looks encrypted")
        else:
            add(f"{fmt}.noise.{ext}", noise(3000, fmt), "corrupted", fmt=fmt, note="random bytes read as this format")
        add(f"{fmt}.invalid-utf8.{ext}", b"\xff\xfe\xc3\x28 not text \xa0\xa1\n", "corrupted", fmt=fmt,
            note="bytes that are not UTF-8")

    # Truncated files: JSON and containers cut in half.
    for fmt, name, data, error in [
        ("aegis", "aegis.truncated.json", aegis_plain, "corrupted"),
        ("aegis", "aegis-encrypted.truncated.json", aegis_encrypted, "corrupted"),
        ("2fas", "2fas.truncated.2fas", twofas_plain, "corrupted"),
        ("2fas", "2fas-encrypted.truncated.2fas", twofas_encrypted, "corrupted"),
        ("andotp", "andotp.truncated.json", andotp_plain, "corrupted"),
        ("proton", "proton.truncated.json", proton, "corrupted"),
        ("freeotp-plus", "freeotp-plus.truncated.json", freeotp, "corrupted"),
        ("1pux", "1pux.truncated.1pux", onepux, "corrupted"),
        ("bitwarden-json", "bitwarden.truncated.json", bitwarden_plain, "corrupted"),
        ("bitwarden-json", "bitwarden-encrypted.truncated.json", bitwarden_encrypted, "corrupted"),
        ("ente", "ente-encrypted.truncated.json", ente_encrypted, "corrupted"),
        ("ms-authenticator", "ms-authenticator.truncated.sqlite", microsoft, "corrupted"),
        ("google-authenticator-db", "google-authenticator-db.truncated.sqlite", google_db, "corrupted"),
        ("duo", "duo.truncated.json", duo, "corrupted"),
        ("battle-net", "battle-net.truncated.xml", battle_net, "corrupted"),
        ("steam-mafile", "steam-mafile.truncated.maFile", steam, "corrupted"),
        ("freeotp-tokens", "freeotp-tokens.truncated.xml", freeotp_tokens, "corrupted"),
        ("stratum", "stratum.truncated.authpro", stratum_plain, "corrupted"),
        ("raivo", "raivo.truncated.zip", raivo_zip, "corrupted"),
        ("lastpass", "lastpass.truncated.json", lastpass, "corrupted"),
        ("freeotp", "freeotp.truncated.bin", freeotp_backup, "corrupted"),
        ("authenticator-plus", "authenticator-plus.truncated.db", authplus_db, "corrupted"),
    ]:
        add(name, truncated(data), error, fmt=fmt, note="the first half of a good file")
    add("andotp-encrypted.truncated.aes", andotp_encrypted[:20], "corrupted", fmt="andotp", password=EXAMPLE,
        note="shorter than andOTP's header")

    # Bit flips in authenticated ciphertext: after the password proved right, damage is damage.
    add("aegis-encrypted.bitflip.json", replace_in_field(aegis_encrypted, "db"), "corrupted", password=EXAMPLE,
        note="one base64 character of db changed; the slot opens, the vault's tag fails")
    add("bitwarden-encrypted.bitflip.json", replace_in_field(bitwarden_encrypted, "data", 0.6), "corrupted",
        password="rud9^5S6$^Ewmr%d", note="one character of data changed; the MAC fails")
    add("2fas-encrypted.bitflip.2fas", replace_in_field(twofas_encrypted, "servicesEncrypted", 0.2), "corrupted",
        password=EXAMPLE, note="services ciphertext changed; the reference still opens")
    flipped = bytearray(andotp_encrypted)
    flipped[-20] ^= 0x01
    add("andotp-encrypted.bitflip.aes", bytes(flipped), "wrongPassword", fmt="andotp", password=EXAMPLE,
        note="andOTP has one GCM tag and no key check: damage and a wrong password look the same")
    add("aegis.bitflip.json", aegis_plain.replace(b"{", b"z", 1), "corrupted", fmt="aegis",
        note="the opening brace flipped into a letter")
    data_at = onepux.index(b"export.data") + 200
    add("1pux.bitflip.1pux", onepux[:data_at] + bytes([onepux[data_at] ^ 0xFF]) + onepux[data_at + 1 :], "corrupted",
        fmt="1pux", note="a byte of export.data's compressed data flipped")

    # Wrong passwords.
    add("aegis-encrypted.wrong-password.json", aegis_encrypted, "wrongPassword", password="not it")
    add("2fas-encrypted.wrong-password.2fas", twofas_encrypted, "wrongPassword", password="not it")
    add("andotp-encrypted.wrong-password.aes", andotp_encrypted, "wrongPassword", fmt="andotp", password="not it")
    add("bitwarden-encrypted.wrong-password.json", bitwarden_encrypted, "wrongPassword", password="not it")
    add("raivo-encrypted.wrong-password.zip", encrypted_raivo, "wrongPassword", password="not it",
        note="written by otpbridge itself (Python has no WinZip-AES writer)")
    add("aegis-encrypted.no-password.json", aegis_encrypted, "passwordRequired",
        note="no --password-env: not a terminal, so no prompt")

    # Wrong format named with --from.
    add("wrong-format.aegis-as-2fas.json", aegis_plain, "corrupted", fmt="2fas")
    add("wrong-format.2fas-as-aegis.2fas", twofas_plain, "corrupted", fmt="aegis")
    add("wrong-format.aegis-as-andotp.json", aegis_plain, "corrupted", fmt="andotp",
        note="JSON that is not a list of entries is not an encrypted andOTP file either")
    add("wrong-format.aegis-as-proton.json", aegis_plain, "corrupted", fmt="proton")
    add("wrong-format.aegis-as-freeotp-plus.json", aegis_plain, "corrupted", fmt="freeotp-plus")
    add("wrong-format.aegis-as-bitwarden.json", aegis_plain, "corrupted", fmt="bitwarden-json")
    add("wrong-format.aegis-as-otpbridge-json.json", aegis_plain, "corrupted", fmt="otpbridge-json")
    add("wrong-format.aegis-as-ente.json", aegis_plain, "corrupted", fmt="ente")
    add("wrong-format.aegis-as-otpauth.json", aegis_plain, "entryUnreadable", fmt="otpauth", exit=1)
    add("wrong-format.aegis-as-google-migration.json", aegis_plain, "entryUnreadable", fmt="google-migration", exit=1)
    add("wrong-format.aegis-as-raivo.json", aegis_plain, "corrupted", fmt="raivo")
    add("wrong-format.aegis-as-1pux.json", aegis_plain, "corrupted", fmt="1pux")
    add("wrong-format.aegis-as-qr.json", aegis_plain, "corrupted", fmt="qr")
    add("wrong-format.aegis-as-ms-authenticator.json", aegis_plain, "corrupted", fmt="ms-authenticator")
    add("wrong-format.aegis-as-google-authenticator-db.json", aegis_plain, "corrupted", fmt="google-authenticator-db")
    add("wrong-format.aegis-as-duo.json", aegis_plain, "corrupted", fmt="duo")
    add("wrong-format.aegis-as-battle-net.json", aegis_plain, "corrupted", fmt="battle-net")
    add("wrong-format.aegis-as-steam-mafile.json", aegis_plain, "corrupted", fmt="steam-mafile")
    add("wrong-format.aegis-as-freeotp-tokens.json", aegis_plain, "corrupted", fmt="freeotp-tokens")
    add("wrong-format.aegis-as-stratum.json", aegis_plain, "corrupted", fmt="stratum")
    add("stratum-strong.wrong-password.authpro", stratum_strong, "wrongPassword", password="not it")
    add("stratum-legacy.wrong-password.authpro", stratum_legacy, "wrongPassword", password="not it")
    add("stratum-strong.truncated.authpro", stratum_strong[:30], "corrupted", password="test",
        note="the header and part of the salt")
    add("stratum-strong.no-password.authpro", stratum_strong, "passwordRequired")
    add("authy-encrypted.wrong-password.xml", authy_encrypted, "wrongPassword", password="not it")
    add("authy-encrypted.truncated.xml", truncated(authy_encrypted), "corrupted", fmt="authy", password="testtest")
    add("wrong-format.aegis-as-authy.json", aegis_plain, "corrupted", fmt="authy")
    add("totp-authenticator.wrong-password.bin", totp_authenticator, "wrongPassword", fmt="totp-authenticator",
        password="not it")
    add("wrong-format.aegis-as-totp-authenticator.json", aegis_plain, "corrupted", fmt="totp-authenticator")
    add("wrong-format.aegis-as-lastpass.json", aegis_plain, "corrupted", fmt="lastpass")
    add("wrong-format.aegis-as-apple-passwords.json", aegis_plain, "corrupted", fmt="apple-passwords")
    add("wrong-format.aegis-as-winauth.json", aegis_plain, "entryUnreadable", fmt="winauth", exit=1,
        note="read as lines, none of them an otpauth URI")
    add("wrong-format.aegis-as-authenticator-plus.json", aegis_plain, "corrupted", fmt="authenticator-plus")
    # KeePass: wrong password, no password, damage after the header HMAC proved the password,
    # damage to the header itself, KeePass 1 and a later KDBX version.
    add("keepass.wrong-password.kdbx", keepass4, "wrongPassword", password="not it")
    add("keepass3.wrong-password.kdbx", keepass3, "wrongPassword", password="not it")
    add("keepass.no-password.kdbx", keepass4, "passwordRequired")
    add("keepass.truncated.kdbx", truncated(keepass4), "corrupted", password="test", note="the first half of a KDBX 4")
    flipped_kdbx = bytearray(keepass4)
    flipped_kdbx[-40] ^= 1
    add("keepass.bitflip.kdbx", bytes(flipped_kdbx), "corrupted", cause="HMAC", password="test",
        note="one payload byte changed; the header HMAC proves the password, the block HMAC fails")
    header_flipped = bytearray(keepass4)
    header_flipped[60] ^= 1  # inside the master seed
    add("keepass.header-bitflip.kdbx", bytes(header_flipped), "corrupted", password="test",
        cause="SHA-256", note="one byte of the master seed changed: the header's SHA-256 fails")
    add("proton-pass.pgp-not-pgp.pgp", b"-----BEGIN PGP MESSAGE-----\n\nbm90IGEgbWVzc2FnZQ==\n-----END PGP MESSAGE-----\n",
        "corrupted", fmt="proton-pass", password="x", note="PGP armour around bytes that are no OpenPGP message")
    add("opvault.profile-alone.js", seed("keepassxc/tests/data/keepassxc.opvault/default/profile.js"), "corrupted",
        cause="band", note="an OPVault profile without its band files beside it")
    add("keepass.kdb1.kdb", bytes.fromhex("03d9a29a65fb4bb5") + bytes(120), "unsupportedVersion",
        note="KeePass 1's signature")
    add("keepass.kdbx5.kdbx", bytes.fromhex("03d9a29a67fb4bb500000500") + bytes(60), "unsupportedVersion",
        note="a KDBX major version after 4")
    add("stratum-db.truncated.db", truncated(stratum_db), "corrupted", fmt="stratum", note="the app's database cut in half")
    add("stratum-html.no-uri.html", b"<!doctype html><html><head><title>Stratum Backup</title></head><body><table>"
        b"<tr><td>x</td></tr></table></body></html>", "corrupted", note="Stratum's page with no otpauth URI")
    add("freeotp.wrong-password.bin", freeotp_backup, "wrongPassword", password="not it")
    add("freeotp.no-password.bin", freeotp_backup, "passwordRequired")
    add("wrong-format.aegis-as-freeotp.json", aegis_plain, "corrupted", fmt="freeotp")
    add("winauth.truncated.zip", truncated(winauth_zip), "corrupted", fmt="winauth", password="test",
        note="the first half of the zip, with its password")
    add("winauth.wrong-password.zip", winauth_zip, "wrongPassword", password="not it")
    add("winauth.no-password.zip", winauth_zip, "passwordRequired")
    add("authenticator-plus.wrong-password.db", authplus_db, "wrongPassword", fmt="authenticator-plus", password="not it",
        note="SQLCipher: the first page does not decrypt")
    add("authenticator-plus.wrong-password.zip", authplus_zip, "wrongPassword", password="not it")
    add("wrong-format.battle-net-as-freeotp-tokens.xml", battle_net, "entryUnreadable", fmt="freeotp-tokens", exit=1,
        note="another app's preferences: every value is read as a token and named")
    add("steam-mafile.encrypted-without-manifest.maFile", b"QUJDREVGR0hJSktMTU5PUA==", "cannotOpen", cause="manifest.json",
        fmt="steam-mafile", note="SDA's encrypted maFile alone: its salt and IV are in the manifest")
    add("wrong-format.microsoft-as-google-authenticator-db.sqlite", microsoft, "corrupted", fmt="google-authenticator-db",
        note="another app's database: it lacks Google's columns")
    add("wrong-format.aegis-as-bitwarden-csv.json", aegis_plain, "corrupted", fmt="bitwarden-csv")
    add("wrong-format.aegis-as-keepassxc-csv.json", aegis_plain, "corrupted", fmt="keepassxc-csv")
    add("wrong-format.aegis-as-1password-csv.json", aegis_plain, "corrupted", fmt="1password-csv")
    add("wrong-format.keepassxc-as-bitwarden-csv.csv", keepassxc_csv, "corrupted", fmt="bitwarden-csv")
    add("wrong-format.1password-as-keepassxc-csv.csv", onepassword_csv, "corrupted", fmt="keepassxc-csv")
    add("wrong-format.bitwarden-as-1password-csv.csv", bitwarden_csv, "corrupted", fmt="1password-csv")
    add("wrong-format.sqlite-as-aegis.sqlite", microsoft, "corrupted", fmt="aegis")
    add("wrong-format.1pux-as-raivo.1pux", onepux, "corrupted", fmt="raivo")
    add("wrong-format.raivo-zip-as-1pux.zip", raivo_zip, "corrupted", fmt="1pux")

    # Invalid UTF-8 inside otherwise good JSON.
    add("aegis.invalid-utf8-inside.json", aegis_plain.replace(b'"version"', b'"vers\xff\xfeion"', 1), "corrupted",
        fmt="aegis")
    add("bitwarden.invalid-utf8-inside.json", bitwarden_plain.replace(b'"encrypted"', b'"encr\xc3\x28ypted"', 1),
        "corrupted", fmt="bitwarden-json")

    # Huge numbers: versions and KDF parameters no real file has.
    add("aegis.huge-version.json",
        json_set(aegis_plain, lambda v: v.__setitem__("version", 10**30)), "corrupted", fmt="aegis")
    def huge_scrypt(v):
        v["header"]["slots"][0]["n"] = 2**40
    add("aegis-encrypted.huge-scrypt-n.json", json_set(aegis_encrypted, huge_scrypt), "corrupted", cause="N=",
        password=EXAMPLE, note="scrypt N of 2^40 would need 128 TiB")
    add("2fas.huge-schema.2fas",
        json_set(twofas_plain, lambda v: v.__setitem__("schemaVersion", 10**30)), "corrupted", fmt="2fas")
    add("andotp-encrypted.huge-iterations.aes", b"\xff\xff\xff\xff" + andotp_encrypted[4:], "wrongPassword",
        fmt="andotp", password=EXAMPLE,
        note="4,294,967,295 PBKDF2 iterations are never run: out of range, the file is tried as the old headerless format, which fails")
    add("bitwarden-encrypted.huge-iterations.json",
        json_set(bitwarden_encrypted, lambda v: v.__setitem__("kdfIterations", 10**12)), "corrupted",
        cause="kdfIterations", password="rud9^5S6$^Ewmr%d")
    add("bitwarden-encrypted.huge-argon2-memory.json",
        json_set(bitwarden_argon, lambda v: v.__setitem__("kdfMemory", 1_000_000)), "corrupted",
        cause="kdfMemory", password="rud9^5S6$^Ewmr%d", note="1,000,000 MiB of Argon2 memory")
    add("bitwarden-encrypted.huge-argon2-iterations.json",
        json_set(bitwarden_argon, lambda v: v.__setitem__("kdfIterations", 2**31)), "corrupted",
        cause="kdfIterations", password="rud9^5S6$^Ewmr%d")
    def huge_ente(v):
        v["kdfParams"]["memLimit"] = 10**18
    add("ente-encrypted.huge-memlimit.json", json_set(ente_encrypted, huge_ente), "corrupted", cause="memLimit",
        password="test")
    def huge_ente_ops(v):
        v["kdfParams"]["opsLimit"] = 2**40
    add("ente-encrypted.huge-opslimit.json", json_set(ente_encrypted, huge_ente_ops), "corrupted", cause="opsLimit",
        password="test")
    add("proton.huge-version.json",
        json_set(proton, lambda v: v.__setitem__("version", 10**30)), "corrupted", fmt="proton")

    # Zip archives with hostile member names: nothing is ever written from an archive, and names that
    # climb out of a folder are refused.
    attributes = b'{"version":3,"description":"1Password Unencrypted Export","createdAt":1727617423}'
    with zipfile.ZipFile(io.BytesIO(onepux)) as archive:
        export_data = archive.read("export.data")
    add("1pux.traversal.1pux", zip_of([("../export.attributes", attributes), ("../../export.data", export_data)]),
        "corrupted", cause="member name", fmt="1pux")
    add("1pux.absolute-name.1pux", zip_of([("/export.attributes", attributes), ("export.data", export_data)]),
        "corrupted", cause="member name", fmt="1pux")
    add("raivo.traversal.zip", zip_of([("../../raivo-otp-export.json", raivo)], zipfile.ZIP_STORED), "corrupted",
        cause="member name", fmt="raivo")
    # A zip bomb: 300 MiB of zeros in a few hundred KiB.
    bomb = zip_of([("export.attributes", attributes), ("export.data", b"\0" * (300 << 20))])
    add("1pux.zip-bomb.1pux", bomb, "corrupted", cause="larger than", fmt="1pux")
    add("raivo.zip-bomb.zip", zip_of([("raivo-otp-export.json", b" " * (300 << 20))]), "corrupted",
        cause="larger than", fmt="raivo")

    # Texts that are not lists of URIs at all.
    # Line-based readers skip each bad line with a finding (exit 1, nothing written): other lines may be good.
    add("otpauth.no-uris.txt", b"hello\nworld\n", "entryUnreadable", fmt="otpauth", exit=1)
    add("google-migration.bad-payload.txt", b"otpauth-migration://offline?data=%%%%\n", "entryUnreadable",
        fmt="google-migration", exit=1)
    add("google-migration.truncated.txt", google[: len(google) // 2], "entryUnreadable", fmt="google-migration",
        exit=1)

    cases.sort(key=lambda case: case["file"])
    with open(os.path.join(OUT, "expectations.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(cases)} files in {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
