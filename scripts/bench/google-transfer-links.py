#!/usr/bin/env python3
"""Decodes Google Authenticator transfer links (otpauth-migration://offline?data=...) into one
otpauth URI per account, the way a Python tool such as scito/extract_otp_secrets does it: the
standard library's URL parsing, base64 and quoting, and Google's protobuf runtime for the
payload. `make bench` times it beside `otpbridge convert LINKS --to otpauth` on the same 10,000
links (issue 16), in place of extract_otp_secrets itself, which is not packaged for Debian.

Written from the format's description (docs/formats/google-migration.md); the message is built
from a descriptor here, so no protoc is needed. Usage: google-transfer-links.py LINKS > URIS
"""
import base64
import sys
import urllib.parse

from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf.message_factory import GetMessageClass
except ImportError:  # protobuf before 4.21
    from google.protobuf.message_factory import MessageFactory

    def GetMessageClass(descriptor):
        return MessageFactory().GetPrototype(descriptor)


def payload_class():
    """MigrationPayload as Plugins/GoogleMigration/migration.proto declares it (enums as int32:
    the same varints on the wire)."""
    proto = descriptor_pb2.FileDescriptorProto(name="bench_migration.proto", package="bench", syntax="proto3")
    field = descriptor_pb2.FieldDescriptorProto
    payload = proto.message_type.add(name="MigrationPayload")
    parameters = payload.nested_type.add(name="OtpParameters")
    for number, name, kind in [
        (1, "secret", field.TYPE_BYTES), (2, "name", field.TYPE_STRING), (3, "issuer", field.TYPE_STRING),
        (4, "algorithm", field.TYPE_INT32), (5, "digits", field.TYPE_INT32), (6, "type", field.TYPE_INT32),
        (7, "counter", field.TYPE_INT64),
    ]:
        parameters.field.add(name=name, number=number, type=kind, label=field.LABEL_OPTIONAL)
    payload.field.add(
        name="otp_parameters", number=1, type=field.TYPE_MESSAGE, label=field.LABEL_REPEATED,
        type_name=".bench.MigrationPayload.OtpParameters")
    for number, name in [(2, "version"), (3, "batch_size"), (4, "batch_index"), (5, "batch_id")]:
        payload.field.add(name=name, number=number, type=field.TYPE_INT32, label=field.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return GetMessageClass(pool.FindMessageTypeByName("bench.MigrationPayload"))


ALGORITHMS = {0: "SHA1", 1: "SHA1", 2: "SHA256", 3: "SHA512", 4: "MD5"}
DIGITS = {0: 6, 1: 6, 2: 8}


def main(path):
    payload_type = payload_class()
    out = []
    with open(path, encoding="utf-8") as links:
        for line in links:
            line = line.strip()
            if not line.startswith("otpauth-migration://"):
                continue
            data = urllib.parse.parse_qs(urllib.parse.urlparse(line).query)["data"][0]
            payload = payload_type()
            payload.ParseFromString(base64.b64decode(data))
            for otp in payload.otp_parameters:
                kind = "hotp" if otp.type == 1 else "totp"
                query = {
                    "secret": base64.b32encode(otp.secret).decode("ascii").rstrip("="),
                    "algorithm": ALGORITHMS.get(otp.algorithm, "SHA1"),
                    "digits": DIGITS.get(otp.digits, 6),
                }
                if otp.issuer:
                    query["issuer"] = otp.issuer
                if kind == "hotp":
                    query["counter"] = otp.counter
                label = urllib.parse.quote(otp.name)
                out.append(f"otpauth://{kind}/{label}?{urllib.parse.urlencode(query)}")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
