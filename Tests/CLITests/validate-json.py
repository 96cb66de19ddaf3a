#!/usr/bin/env python3
"""Validates JSON documents against otpbridge's schemas with the jsonschema package (Debian's
python3-jsonschema), an implementation of JSON Schema 2020-12 independent of otpbridge.

usage: validate-json.py SCHEMA_FOLDER SCHEMA_NAME DOCUMENT...
Each schema in SCHEMA_FOLDER is known by its $id, so "$ref": "finding-v1.schema.json" resolves.
Exit 0 when every document is valid; otherwise each error is printed with its JSON path, exit 1.
"""
import json
import pathlib
import sys

import jsonschema


def main():
    folder, name, documents = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    schemas = {}
    for path in folder.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["$id"]] = schema
    root = json.loads((folder / name).read_text())
    try:  # jsonschema 4.18 and later resolve references through a registry
        from referencing import Registry, Resource

        registry = Registry().with_resources((id, Resource.from_contents(s)) for id, s in schemas.items())
        validator = jsonschema.Draft202012Validator(root, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(root, store=schemas)
        validator = jsonschema.Draft202012Validator(root, resolver=resolver)
    failed = False
    for document in documents:
        instance = json.loads(pathlib.Path(document).read_text())
        for error in validator.iter_errors(instance):
            failed = True
            print(f"{document}: {error.json_path}: {error.message}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
