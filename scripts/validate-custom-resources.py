#!/usr/bin/env python3
"""Validate custom resources against the openAPIV3Schema of their CRDs.

kubernetes-validate knows only built-in kinds, so custom resources are checked here with the
jsonschema package (installed with kubernetes-validate). CEL rules are not evaluated.

usage: validate-custom-resources.py --crd CRD.yaml [--crd ...] MANIFEST.yaml [...]
Documents whose kind has no CRD (Secrets, ...) are skipped. Exit status 1 when any custom
resource is invalid, 2 on bad usage.
"""
import argparse
import sys

import jsonschema
import yaml


def to_json_schema(node):
    """OpenAPI v3 (Kubernetes dialect) to JSON Schema: nullable, int-or-string, extensions."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key.startswith("x-kubernetes-") or key == "nullable":
            continue
        out[key] = to_json_schema(value)
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    if node.get("nullable") and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = types + ["null"]
    return out


def field_path(parts):
    """spec.items[0].name, the way the operator writes field paths."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_schemas(crd_files):
    schemas = {}
    for path in crd_files:
        with open(path, encoding="utf-8") as handle:
            for crd in yaml.safe_load_all(handle):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                group = crd["spec"]["group"]
                kind = crd["spec"]["names"]["kind"]
                for version in crd["spec"]["versions"]:
                    schema = to_json_schema(version["schema"]["openAPIV3Schema"])
                    schemas[(f"{group}/{version['name']}", kind)] = schema
    return schemas


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crd", action="append", required=True)
    parser.add_argument("manifests", nargs="+")
    args = parser.parse_args()
    schemas = load_schemas(args.crd)
    failed = False
    for path in args.manifests:
        with open(path, encoding="utf-8") as handle:
            documents = list(yaml.safe_load_all(handle))
        for index, document in enumerate(documents, start=1):
            if not isinstance(document, dict):
                continue
            schema = schemas.get((document.get("apiVersion"), document.get("kind")))
            if schema is None:
                continue
            name = (document.get("metadata") or {}).get("name", "")
            validator = jsonschema.Draft202012Validator(schema)
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
            for error in errors:
                field = field_path(error.absolute_path)
                print(f"ERROR {path} doc {index}: {field}: {error.message}")
                failed = True
            if not errors:
                print(f"OK {path} doc {index}: {document['kind']}/{name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
