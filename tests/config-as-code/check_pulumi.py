"""Runs orgdesk's Pulumi export under the Pulumi Python SDK's mocks and checks what it registers.

    python check_pulumi.py EXPORT.zip SNAPSHOT.json

No Pulumi engine or account is needed: `pulumi.runtime.set_mocks` stands in for the engine, and
every resource the program registers is recorded with its inputs. The expected resources are
derived from orgdesk's JSON snapshot of the same tenant, so the two exports are checked against
each other, and the starting program's values are checked by name.

Each resource gets the mock id "<name>-id": the user's app_metadata must carry the organization
resource's id, which proves it is a reference and not the literal id of the live tenant.
"""

import json
import os
import runpy
import sys
import tempfile
import zipfile

import pulumi

PROJECT = "auth0-tenant"


class Mocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.resources = {}
        self.lookups = []

    def new_resource(self, args):
        key = (args.typ, args.name)
        if key in self.resources:
            raise AssertionError(f"registered twice: {key}")
        self.resources[key] = args.inputs
        return [f"{args.name}-id", args.inputs]

    def call(self, args):
        if args.token != "auth0:index/getConnection:getConnection":
            raise AssertionError(f"unexpected call {args.token}")
        name = args.args["name"]
        self.lookups.append(name)
        return {"id": f"connection-{name}", "name": name, "connection_id": f"connection-{name}"}


def plain(value):
    """The inputs with secrets unwrapped into ("secret", value)."""
    if isinstance(value, dict):
        if "value" in value and len(value) == 2 and any(len(k) == 32 for k in value):
            return ("secret", plain(value["value"]))
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def expected(snapshot, names):
    """What the program should register, from the snapshot: {(type, name): inputs}."""
    want = {}
    t = "auth0:index/"
    tenant = snapshot.get("tenant")
    if tenant:
        inputs = {k2: tenant[k] for k, k2 in [("friendly_name", "friendlyName"), ("picture_url", "pictureUrl"),
                                               ("support_email", "supportEmail"), ("support_url", "supportUrl")] if tenant.get(k)}
        page = tenant["error_page"]
        inputs["errorPage"] = {"html": page["html"], "showLogLink": page["show_log_link"], "url": page["url"]}
        if tenant.get("flags"):
            inputs["flags"] = {camel(k): v for k, v in tenant["flags"].items()}
        want[(t + "tenant:Tenant", "tenant")] = inputs
    for api in snapshot.get("apis", []):
        name = names[("resourceServer:ResourceServer", api["id"])]
        want[(t + "resourceServer:ResourceServer", name)] = {
            "name": api["name"], "identifier": api["identifier"], "signingAlg": api["signing_alg"],
            "tokenLifetime": api["token_lifetime"], "enforcePolicies": api["rbac"],
            "tokenDialect": "access_token_authz" if api["permissions_in_token"] else "access_token",
        }
        if api["permissions"]:
            want[(t + "resourceServerScopes:ResourceServerScopes", name + "_scopes")] = {
                "resourceServerIdentifier": api["identifier"],
                "scopes": [{"name": p["value"], "description": p["description"]} for p in api["permissions"]],
            }
    role_ids = {}
    for role in snapshot.get("roles", []):
        name = names[("role:Role", role["id"])]
        role_ids[role["name"]] = f"{name}-id"
        want[(t + "role:Role", name)] = {"name": role["name"], "description": role["description"]}
        if role["permissions"]:
            want[(t + "rolePermissions:RolePermissions", name + "_permissions")] = {
                "roleId": f"{name}-id",
                "permissions": [{"name": p["permission_name"], "resourceServerIdentifier": p["resource_server_identifier"]}
                                for p in role["permissions"]],
            }
    org_ids = {}
    for org in snapshot["organizations"]:
        name = names[("organization:Organization", org["id"])]
        org_ids[org["id"]] = f"{name}-id"
        inputs = {"name": org["name"]}
        if "display_name" in org:
            inputs["displayName"] = org["display_name"]
        if "branding" in org:
            branding = {}
            if "logo_url" in org["branding"]:
                branding["logoUrl"] = org["branding"]["logo_url"]
            if org["branding"].get("colors"):
                branding["colors"] = org["branding"]["colors"]
            inputs["branding"] = branding
        if org.get("metadata"):
            inputs["metadata"] = org["metadata"]
        want[(t + "organization:Organization", name)] = inputs
        if org["connections"]:
            want[(t + "organizationConnections:OrganizationConnections", name + "_connections")] = {
                "organizationId": f"{name}-id",
                "enabledConnections": [{
                    "connectionId": f"connection-{c['name']}",
                    "assignMembershipOnLogin": c["assign_membership_on_login"],
                    "showAsButton": c["show_as_button"],
                    "isSignupEnabled": c["is_signup_enabled"],
                } for c in org["connections"]],
            }
    user_ids = {}
    for user in snapshot.get("users", []):
        name = names[("user:User", user["user_id"])]
        user_ids[user["user_id"]] = (name, f"{name}-id")
        inputs = {"connectionName": user["connection"], "email": user["email"], "name": user["name"],
                  "emailVerified": user["email_verified"], "password": ("secret", f"password of {name}")}
        if user.get("user_metadata"):
            inputs["userMetadata"] = user["user_metadata"]
        if user.get("app_metadata"):
            app = dict(user["app_metadata"])
            if app.get("organization_id") in org_ids:
                app["organization_id"] = org_ids[app["organization_id"]]
            inputs["appMetadata"] = app
        want[(t + "user:User", name)] = inputs
    for org in snapshot["organizations"]:
        name = names[("organization:Organization", org["id"])]
        members = [m for m in org["members"] if m["user_id"] in user_ids]
        if not members:
            continue
        want[(t + "organizationMembers:OrganizationMembers", name + "_members")] = {
            "organizationId": f"{name}-id", "members": [user_ids[m["user_id"]][1] for m in members],
        }
        for m in members:
            if not m["roles"]:
                continue
            user_name, user_id = user_ids[m["user_id"]]
            want[(t + "organizationMemberRoles:OrganizationMemberRoles", f"{name}_{user_name}_roles")] = {
                "organizationId": f"{name}-id", "userId": user_id, "roles": [role_ids[r] for r in m["roles"]],
            }
    return want


def camel(snake):
    head, *rest = snake.split("_")
    return head + "".join(w.capitalize() for w in rest)


def normalize(inputs):
    """JSON-string metadata compared as objects, since Python orders keys as it likes."""
    out = dict(inputs)
    for key in ("userMetadata", "appMetadata"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def main(zip_path, snapshot_path):
    snapshot = json.load(open(snapshot_path))
    work = tempfile.mkdtemp(prefix="orgdesk-pulumi-")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(work)
    imports = json.load(open(os.path.join(work, "import.json")))["resources"]
    # Logical names by the ids import.json gives them: the snapshot's ids lead to the names.
    names = {(r["type"].removeprefix("auth0:index/"), r["id"]): r["name"] for r in imports}
    users = [r["name"] for r in imports if r["type"] == "auth0:index/user:User"]

    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="check", preview=False)
    config = {f"{PROJECT}:{u}_password": f"password of {u}" for u in users}
    pulumi.runtime.set_all_config(config, list(config))

    @pulumi.runtime.test
    def run():
        os.chdir(work)
        runpy.run_path(os.path.join(work, "__main__.py"), run_name="__main__")

    run()

    got = {key: normalize(plain(inputs)) for key, inputs in mocks.resources.items()}
    want = {key: normalize(inputs) for key, inputs in expected(snapshot, names).items()}
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    assert not missing and not extra, f"missing {missing}\nextra {extra}"
    for key in want:
        assert got[key] == want[key], f"{key}:\n got  {got[key]}\n want {want[key]}"

    # Every import.json entry names a resource the program registers.
    for r in imports:
        assert (r["type"], r["name"]) in got, f"import.json names {r} which the program does not register"
    # Connections are looked up by name, each once.
    assert sorted(mocks.lookups) == sorted(set(mocks.lookups)), mocks.lookups

    starting_program(got, snapshot)
    print(f"pulumi: {len(got)} resources registered as expected, {len(imports)} in import.json, "
          f"{len(mocks.lookups)} connection lookups")


def starting_program(got, snapshot):
    """The values of the program orgdesk began from, when the export is of the demo tenant."""
    by_type = lambda typ: {name: inputs for (t, name), inputs in got.items() if t == "auth0:index/" + typ}
    if snapshot.get("tenant"):
        (tenant,) = by_type("tenant:Tenant").values()
        assert tenant["friendlyName"] == "My AI Application", tenant
        assert tenant["supportEmail"] == "support@example.com", tenant
        assert tenant["supportUrl"] == "https://support.example.com", tenant
        assert tenant["errorPage"]["html"].startswith("<h1>"), tenant
    orgs = by_type("organization:Organization")
    ai_name, ai = next((n, o) for n, o in orgs.items() if o["name"] == "ai-organization")
    assert ai["displayName"] == "AI Organization", ai
    assert ai["branding"]["colors"]["primary"].lower() == "#0000ff", ai
    assert ai["metadata"]["tenant_id"] == "tenant12345", ai
    user = next(u for u in by_type("user:User").values() if u["email"] == "user@example.com")
    assert user["connectionName"] == "Username-Password-Authentication", user
    assert user["userMetadata"] == {"role": "data-scientist"}, user
    assert user["emailVerified"] is True, user
    assert user["password"][0] == "secret", "the password is not a secret"
    # The organization reference resolved to the organization resource's id.
    assert user["appMetadata"]["organization_id"] == f"{ai_name}-id", user


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
