"""Parses orgdesk's Terraform export with python-hcl2 and checks it against the auth0 provider.

    python check_terraform.py EXPORT.zip SCHEMA.json SNAPSHOT.json

SCHEMA.json is derived from terraform-provider-auth0's documentation (its `source` says from
where). Every resource and data source type must be in it, every attribute and nested block of
theirs too; every `import {}` block must adopt a declared resource with an id of the form the
provider's import takes; every reference must name something the file declares. The snapshot of
the same tenant says how many organizations, users and roles there must be.
"""

import json
import re
import sys
import zipfile

import hcl2

META = {"depends_on", "count", "for_each", "provider", "lifecycle"}
INTERNAL = {"__is_block__", "__comments__", "__inline_comments__"}
REFERENCE = re.compile(r"\b(data\.auth0_[a-z_]+\.[a-z0-9_]+|auth0_[a-z_]+\.[a-z0-9_]+|var\.[a-z0-9_]+)")


def unquote(text):
    return text[1:-1] if isinstance(text, str) and len(text) >= 2 and text[0] == text[-1] == '"' else text


def check_body(body, schema, where, problems):
    for key, value in body.items():
        if key in INTERNAL or key in META:
            continue
        if key in schema.get("attributes", []):
            continue
        blocks = schema.get("blocks", {})
        if key in blocks:
            if not isinstance(value, list) or not all(isinstance(b, dict) and b.get("__is_block__") for b in value):
                problems.append(f"{where}.{key} must be written as a block")
                continue
            for block in value:
                check_body(block, blocks[key], f"{where}.{key}", problems)
            continue
        problems.append(f"{where}: the provider has no attribute or block {key!r}")


def expressions(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from expressions(v)
    elif isinstance(value, list):
        for v in value:
            yield from expressions(v)


def main(zip_path, schema_path, snapshot_path):
    schema = json.load(open(schema_path))
    snapshot = json.load(open(snapshot_path))
    with zipfile.ZipFile(zip_path) as archive:
        text = archive.read("main.tf").decode()
    doc = hcl2.loads(text)
    problems = []
    declared = set()
    counts = {}

    for kind, table, prefix in (("resource", schema["resources"], ""), ("data", schema["data_sources"], "data.")):
        for entry in doc.get(kind, []):
            for typ, named in entry.items():
                typ = unquote(typ)
                for name, body in named.items():
                    name = unquote(name)
                    address = f"{prefix}{typ}.{name}"
                    if address in declared:
                        problems.append(f"{address} is declared twice")
                    declared.add(address)
                    counts[address.rsplit(".", 1)[0]] = counts.get(address.rsplit(".", 1)[0], 0) + 1
                    if typ not in table:
                        problems.append(f"{kind} type {typ} is not in the provider's schema")
                        continue
                    check_body(body, table[typ], address, problems)
    variables = {f"var.{unquote(name)}" for entry in doc.get("variable", []) for name in entry}
    declared |= variables

    for kind in ("resource", "data"):
        for entry in doc.get(kind, []):
            for typ, named in entry.items():
                for name, body in named.items():
                    for expression in expressions(body):
                        if "${" not in expression:
                            continue
                        for ref in REFERENCE.findall(expression):
                            if ref not in declared:
                                problems.append(f"{unquote(typ)}.{unquote(name)} refers to {ref}, which is not declared")

    imports = doc.get("import", [])
    adopted = set()
    for block in imports:
        to = block["to"].removeprefix("${").removesuffix("}")
        typ = to.split(".")[0]
        if to not in declared:
            problems.append(f"import of {to}, which is not declared")
            continue
        pattern = schema["resources"][typ].get("import_id")
        ident = unquote(block["id"])
        if pattern is None:
            problems.append(f"{typ} cannot be imported, yet {to} is")
        elif not re.match(pattern, ident):
            problems.append(f"import id {ident!r} of {to} is not of the form {pattern}")
        if to in adopted:
            problems.append(f"{to} is imported twice")
        adopted.add(to)
    importable = {a for a in declared if not a.startswith(("data.", "var."))
                  and schema["resources"].get(a.split(".")[0], {}).get("import_id")}
    if importable - adopted:
        problems.append(f"no import block for {sorted(importable - adopted)}")

    for typ, want in (("auth0_organization", len(snapshot["organizations"])),
                      ("auth0_user", len(snapshot.get("users", []))),
                      ("auth0_role", len(snapshot.get("roles", []))),
                      ("auth0_resource_server", len(snapshot.get("apis", [])))):
        if counts.get(typ, 0) != want:
            problems.append(f"{counts.get(typ, 0)} {typ} resources, the snapshot has {want}")
    org_ids = {unquote(b["id"]) for b in imports if b["to"].startswith("${auth0_organization.")}
    for org in snapshot["organizations"]:
        if org["id"] not in org_ids:
            problems.append(f"organization {org['id']} has no import block")

    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"terraform: {sum(counts.values())} blocks of {len(counts)} types and {len(imports)} imports "
          f"match the auth0 provider's schema")


if __name__ == "__main__":
    main(*sys.argv[1:4])
