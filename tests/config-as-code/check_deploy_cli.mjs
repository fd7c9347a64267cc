// Loads orgdesk's auth0-deploy-cli export with deploy-cli's own YAML loader and validates it
// against deploy-cli's own schema, as `a0deploy import` does before it calls Auth0.
//
//   node check_deploy_cli.mjs TENANT.yaml SNAPSHOT.json [NODE_MODULES_PACKAGE_JSON]
//
// Runs offline: loading and schema validation need no tenant. The package is found from
// tests/e2e (where `cargo xtask test` installs it) unless a package.json to resolve from is given.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const [file, snapshotPath, from] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const base = createRequire(resolve(from ?? join(here, '..', 'e2e', 'package.json')));
const cli = createRequire(base.resolve('auth0-deploy-cli/package.json'));
const { version } = cli('./package.json');
const YAMLContext = cli('./lib/context/yaml').default;
const schema = cli('./lib/tools/auth0/schema').default;
const Ajv = cli('ajv/lib/ajv');

// Loading validates first (deploy-cli's schema, then each handler's own checks), then lets the
// handlers read what they refer to. The API handler asks the tenant for its applications to turn
// client ids into names; this file has no client ids, so a tenant without applications stands in
// for the Management API, the only part of deploy-cli not run for real here.
const tenantWithoutApplications = { clients: { list: async () => ({ data: [] }) } };
const context = new YAMLContext({ AUTH0_INPUT_FILE: resolve(file) }, tenantWithoutApplications);
await context.loadAssetsFromLocal();
const assets = Object.fromEntries(Object.entries(context.assets).filter(([, v]) => v != null));
const ajv = new Ajv({ useDefaults: true, nullable: true });
if (!ajv.validate(schema, assets)) {
  console.error(`auth0-deploy-cli ${version} refuses ${file}:\n${JSON.stringify(ajv.errors, null, 2)}`);
  process.exit(1);
}

// What deploy-cli read is what orgdesk exported.
const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8'));
const problems = [];
const names = (list) => (list ?? []).map((x) => x.name).sort();
// Compared with keys in order: YAML and JSON may order an object's keys differently.
const canonical = (v) => (Array.isArray(v) ? v.map(canonical)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v);
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
if (!same(names(assets.organizations), names(snapshot.organizations))) problems.push('organizations differ');
if (!same(names(assets.roles), names(snapshot.roles))) problems.push('roles differ');
if (!same(names(assets.resourceServers), names(snapshot.apis))) problems.push('APIs differ');
if (snapshot.tenant) {
  if (assets.tenant?.friendly_name !== snapshot.tenant.friendly_name) problems.push('tenant differs');
  const page = (assets.pages ?? []).find((p) => p.name === 'error_page');
  if (page?.html !== snapshot.tenant.error_page.html) problems.push('the error page differs');
}
for (const org of snapshot.organizations) {
  const read = assets.organizations.find((o) => o.name === org.name);
  if (!same(read.connections.map((c) => c.name), org.connections.map((c) => c.name))) problems.push(`${org.name}: connections differ`);
  if (!same(read.metadata ?? {}, org.metadata ?? {})) problems.push(`${org.name}: metadata differs`);
  if (!same(read.branding ?? null, org.branding ?? null)) problems.push(`${org.name}: branding differs`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`deploy-cli: auth0-deploy-cli ${version} loads and validates ${assets.organizations.length} organizations, ${(assets.roles ?? []).length} roles, ${(assets.resourceServers ?? []).length} APIs`);
