"""Checks each example of a spec against its own schema with jsonschema_rs, a validator
written independently of the generator.

argv[1]: the directory the spec files are named from.
stdin: a JSON list of {"test": name, "schema": "file#pointer", "value": example}.
stdout: a JSON object {test: {"verdict": "valid" | "invalid" | "unchecked", "why": text}}.
OpenAPI 3.0 schemas are read as JSON Schema draft 4 with `nullable` lowered to a `null` type;
3.1 schemas as draft 2020-12. Formats are asserted in both, as the generated types assert
date-time, date and uuid; `uuid`, which draft 4 predates, is checked as RFC 4122 text.
"""

import json
import os
import re
import sys
import urllib.parse

import jsonschema_rs
import yaml

SAFE_IN_FRAGMENT = "/~!$&'()*+,;=:@-._"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except ValueError:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader)


def lower_nullable(node, parent_key=None):
    """OpenAPI 3.0's `nullable: true` as draft 4 says it. Example values are left alone."""
    if isinstance(node, list):
        for item in node:
            lower_nullable(item, parent_key)
        return
    if not isinstance(node, dict):
        return
    for key, child in node.items():
        if key in ("example", "examples", "default", "enum") and parent_key != "properties":
            continue
        lower_nullable(child, key)
    if parent_key == "properties" or node.get("nullable") is not True:
        return
    del node["nullable"]
    kind = node.get("type")
    if isinstance(kind, str) and "$ref" not in node:
        node["type"] = [kind, "null"]
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
        return
    rest = dict(node)
    node.clear()
    node["anyOf"] = [rest, {"type": "null"}]


class Spec:
    def __init__(self, path):
        document = load(path)
        version = str(document.get("openapi", ""))
        self.draft = jsonschema_rs.Draft202012 if version.startswith("3.1") else jsonschema_rs.Draft4
        if self.draft == jsonschema_rs.Draft4:
            lower_nullable(document)
        self.cls = (
            jsonschema_rs.Draft202012Validator
            if self.draft == jsonschema_rs.Draft202012
            else jsonschema_rs.Draft4Validator
        )
        self.registry = jsonschema_rs.Registry([("urn:spec", document)], draft=self.draft)

    def check(self, pointer, value):
        fragment = urllib.parse.quote(pointer, safe=SAFE_IN_FRAGMENT)
        validator = self.cls(
            {"$ref": "urn:spec#" + fragment},
            registry=self.registry,
            validate_formats=True,
            formats={"uuid": lambda text: UUID.match(text) is not None},
        )
        errors = list(validator.iter_errors(value))
        if not errors:
            return {"verdict": "valid", "why": ""}
        first = str(errors[0]).split("\n")[0]
        return {"verdict": "invalid", "why": first}


def main():
    examples = json.load(sys.stdin)
    specs = {}
    verdicts = {}
    for example in examples:
        path, _, pointer = example["schema"].partition("#")
        path = os.path.join(sys.argv[1], path)
        try:
            if path not in specs:
                try:
                    specs[path] = Spec(path)
                except Exception as err:  # kept, so a file that cannot be read is read once
                    specs[path] = err
            if isinstance(specs[path], Exception):
                raise specs[path]
            verdicts[example["test"]] = specs[path].check(pointer, example["value"])
        except Exception as err:  # a schema the validator cannot compile is not a verdict
            why = str(err).split("\n")[0]
            verdicts[example["test"]] = {"verdict": "unchecked", "why": why}
    json.dump(verdicts, sys.stdout)


if __name__ == "__main__":
    main()
