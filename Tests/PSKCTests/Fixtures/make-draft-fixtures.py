#!/usr/bin/env python3
"""Makes PSKC fixtures in the layouts of the drafts before RFC 6030, which some vendors still ship
(python-pskc reads them). python-pskc writes only RFC 6030, so these are written here from the
drafts' descriptions, with the standard library only.

Run from this folder: python3 make-draft-fixtures.py. It writes:
  draft-keyprov-pskc.pskcxml    namespace urn:ietf:params:xml:ns:keyprov:pskc:1.0 (algorithm
                                profiles draft): Device elements holding DeviceInfo and Keys with
                                KeyAlgorithm, Usage/ResponseFormat and Data/Secret/PlainValue
  draft-keyprov-container.pskcxml  namespace urn:ietf:params:xml:ns:keyprov:container:1.0 (the
                                layout ActivIdentity ships): DeviceId, lower-case attributes,
                                <Data Name="SECRET"><Value> base64, counter as 8 bytes big-endian
  draft-keyprov-encrypted.pskcxml  the container layout with AES-CBC encrypted values and a
                                ValueDigest, which otpbridge refuses (exit 3) rather than misread
  expected-drafts.json          every key's fields and codes, computed here with hmac
All secrets are made up.
"""
import base64
import hashlib
import hmac
import json
import struct

TIMES = [0, 59, 1111111109, 2000000000]
# (serial, secret, kind, digits, period or counter, issuer)
PROFILE_KEYS = [
    ("PRF-0001", b"12345678901234567890", "totp", 6, 30, "Draft Bank"),
    ("PRF-0002", b"draft profile hotp 2", "hotp", 8, 7, "Draft Bank"),
    ("PRF-0003", b"draft profile hotp 3", "hotp", 6, 0, "Draft Bank"),
]
CONTAINER_KEYS = [
    ("AI-12345678", b"container layout hotp", "hotp", 8, 42, "ActivIdentity"),
    ("AI-12345679", bytes(range(20)), "hotp", 6, 1, "ActivIdentity"),
]


def code(secret, digits, moving_factor):
    mac = hmac.new(secret, struct.pack(">Q", moving_factor), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def b64(data):
    return base64.b64encode(data).decode()


def profile():
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc:1.0">',
        "  <Device>",
        "    <DeviceInfo><Manufacturer>Token Works</Manufacturer><SerialNo>PRF-0001</SerialNo></DeviceInfo>",
    ]
    devices = [[PROFILE_KEYS[0]], PROFILE_KEYS[1:]]
    for index, keys in enumerate(devices):
        if index > 0:
            lines += ["  </Device>", "  <Device>",
                      "    <DeviceInfo><Manufacturer>Token Works</Manufacturer><SerialNo>%s</SerialNo></DeviceInfo>" % keys[0][0]]
        for serial, secret, kind, digits, moving, issuer in keys:
            lines += [
                '    <Key KeyAlgorithm="urn:ietf:params:xml:ns:keyprov:pskc#%s" KeyId="%s">' % (kind, serial),
                "      <Issuer>%s</Issuer>" % issuer,
                '      <Usage OTP="true"><ResponseFormat Length="%d" Format="DECIMAL"/></Usage>' % digits,
                "      <Data>",
                "        <Secret><PlainValue>\n          %s\n        </PlainValue></Secret>" % b64(secret),
            ]
            if kind == "totp":
                lines += ["        <Time><PlainValue>0</PlainValue></Time>",
                          "        <TimeInterval><PlainValue>%d</PlainValue></TimeInterval>" % moving,
                          "        <TimeDrift><PlainValue>4</PlainValue></TimeDrift>"]
            else:
                lines += ["        <Counter><PlainValue>%d</PlainValue></Counter>" % moving]
            lines += ["      </Data>", "    </Key>"]
    lines += ["  </Device>", "</KeyContainer>", ""]
    return "\n".join(lines)


def container(encrypted):
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<KeyContainer version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:container:1.0">',
    ]
    if encrypted:
        lines += ['  <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"><IV>%s</IV></EncryptionMethod>' % b64(bytes(16)),
                  '  <DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"/>']
    for serial, secret, kind, digits, counter, issuer in CONTAINER_KEYS:
        # The encrypted file's "ciphertext" is made-up bytes: it is only ever refused.
        value = b64(hashlib.sha256(secret).digest()[:32]) if encrypted else b64(secret)
        digest = "      <ValueDigest>%s</ValueDigest>\n" % b64(bytes(20)) if encrypted else ""
        lines += [
            "  <Device>",
            "    <DeviceId><Manufacturer>%s</Manufacturer><SerialNo>%s</SerialNo></DeviceId>" % (issuer, serial),
            '    <Key KeyAlgorithm="http://www.ietf.org/keyprov/pskc#%s" KeyId="%s">' % (kind, serial),
            '      <Usage OTP="true"><ResponseFormat format="DECIMAL" length="%d"/></Usage>' % digits,
            '      <Data Name="SECRET">\n        <Value>%s</Value>\n%s      </Data>' % (value, digest),
            '      <Data Name="COUNTER"><Value>%s</Value></Data>' % b64(struct.pack(">Q", counter)),
            "    </Key>",
            "  </Device>",
        ]
    lines += ["</KeyContainer>", ""]
    return "\n".join(lines)


def expected():
    # "serial" is the SerialNo of the key's device; two keys share PRF-0002's.
    def entry(serial, secret, kind, digits, moving, issuer, device=None):
        item = {"serial": device or serial, "kind": kind, "digits": digits, "issuer": issuer,
                "secretBase32": base64.b32encode(secret).decode().rstrip("=")}
        if kind == "totp":
            item["period"] = moving
            item["codes"] = {str(t): code(secret, digits, t // moving) for t in TIMES}
        else:
            item["counter"] = moving
            item["codes"] = {str(moving + step): code(secret, digits, moving + step) for step in range(3)}
        return item
    return {
        "draft-keyprov-pskc.pskcxml": [entry(*key, device="PRF-0002" if key[0] == "PRF-0003" else None) for key in PROFILE_KEYS],
        "draft-keyprov-container.pskcxml": [entry(*key) for key in CONTAINER_KEYS],
    }


with open("draft-keyprov-pskc.pskcxml", "w") as f:
    f.write(profile())
with open("draft-keyprov-container.pskcxml", "w") as f:
    f.write(container(encrypted=False))
with open("draft-keyprov-encrypted.pskcxml", "w") as f:
    f.write(container(encrypted=True))
with open("expected-drafts.json", "w") as f:
    json.dump(expected(), f, indent=2)
    f.write("\n")
