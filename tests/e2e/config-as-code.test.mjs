// Configuration as code, end to end: a platform admin downloads the demo tenant in every format
// from a running orgdesk, and each file is checked by the tool it is written for — the Pulumi
// Python SDK runs the program under its mocks, python-hcl2 parses the Terraform against the
// auth0 provider's documented schema, auth0-deploy-cli loads and validates the YAML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useDemo, newPage, signIn } from './harness.mjs';

const PYTHON = process.env.ORGDESK_PYTHON ?? 'target/config-as-code/venv/bin/python';
const CHECKS = 'tests/config-as-code';
const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const ACME = 'org_acmeR0b8Tn3Vw5';
const demo = useDemo();

/** Runs a check and returns what it printed; its output is shown when it fails. */
function check(program, args) {
  try {
    return execFileSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    assert.fail(`${[program, ...args].join(' ')} failed:\n${err.stdout}\n${err.stderr}`);
  }
}

test("the demo tenant's export passes Pulumi's mocks, the auth0 provider's schema and deploy-cli's loader", async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin', '/orgs');
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-export-'));
  const files = {};
  for (const format of ['json', 'pulumi-python', 'terraform', 'deploy-cli']) {
    const response = await page.request.get(`${demo.server.url}/api/export?format=${format}`);
    assert.equal(response.status(), 200, format);
    const name = /filename="([^"]+)"/.exec(response.headers()['content-disposition'])[1];
    files[format] = join(dir, name);
    writeFileSync(files[format], await response.body());
  }
  const snapshot = files.json;

  const pulumi = check(PYTHON, [`${CHECKS}/check_pulumi.py`, files['pulumi-python'], snapshot]);
  assert.match(pulumi, /resources registered as expected/);

  const terraform = check(PYTHON, [`${CHECKS}/check_terraform.py`, files.terraform, `${CHECKS}/terraform-auth0-schema.json`, snapshot]);
  assert.match(terraform, /match the auth0 provider's schema/);

  const yamlDir = join(dir, 'deploy-cli');
  mkdirSync(yamlDir);
  check(PYTHON, ['-m', 'zipfile', '-e', files['deploy-cli'], yamlDir]);
  const deployCli = check('node', [`${CHECKS}/check_deploy_cli.mjs`, join(yamlDir, 'tenant.yaml'), snapshot]);
  assert.match(deployCli, /loads and validates 12 organizations/);
  console.log([pulumi, terraform, deployCli].map((s) => s.trim()).join('\n'));
  assert.deepEqual(page.problems, []);
});

test('Settings and the organization page offer each format as a download', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin', '/settings');
  const [tenant] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a.od-export__link[data-format="terraform"]'),
  ]);
  assert.equal(tenant.suggestedFilename(), 'tenant.terraform.zip');

  // An org admin's menu exports their own organization.
  const omar = await newPage(demo.browser);
  await signIn(omar, demo.server.url, 'org-admin', `/orgs/${AI_ORG}`);
  await omar.click('summary.od-export__summary');
  const [own] = await Promise.all([
    omar.waitForEvent('download'),
    omar.click('a.od-export__link[data-format="json"]'),
  ]);
  assert.equal(own.suggestedFilename(), 'ai-organization.orgdesk.json');
  const snapshot = JSON.parse(readFileSync(await own.path(), 'utf8'));
  assert.deepEqual(snapshot.organizations.map((o) => o.name), ['ai-organization']);
  assert.equal(snapshot.tenant, undefined);
  // Acme's export is not theirs to ask for.
  const other = await omar.request.get(`${demo.server.url}/api/export?format=json&org_id=${ACME}`);
  assert.equal(other.status(), 404);
  assert.deepEqual([...page.problems, ...omar.problems], []);
});
