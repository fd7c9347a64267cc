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
import { useDemo, newPage, signIn, axeViolations, SCREENSHOT_DIR } from './harness.mjs';

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

test('a platform admin exports AI Organization, changes its colour, imports the export and applies the one change back', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin', `/orgs/${AI_ORG}`);
  // 1. The export, from the organization's header.
  await page.click('summary.od-export__summary');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a.od-export__link[data-format="json"]'),
  ]);
  const exported = await download.path();

  // 2. The colour changed in the branding studio.
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/branding`);
  await page.locator('#primary-color').waitFor();
  await page.fill('#primary-color', '#5B21B6');
  await page.click('[data-testid="save"]');
  await page.click('[data-testid="confirm"]');
  await page.locator('.od-toast', { hasText: 'Saved' }).waitFor();

  // 3. The export imported: a plan with exactly that one change back.
  await page.click('nav[aria-label="Main"] >> text=Import & export');
  await page.waitForURL('**/import');
  await page.setInputFiles('[data-testid="import-file"]', exported);
  await page.waitForFunction(() => !document.querySelector('[data-testid="plan"]').disabled);
  await page.click('[data-testid="plan"]');
  const plan = page.locator('[data-testid="plan-view"]');
  await plan.waitFor();
  assert.equal(await plan.getAttribute('data-steps'), '1');
  assert.equal(await page.textContent('[data-testid="plan-summary"]'), '0 to create · 1 to change · 0 to delete');
  const step = page.locator('.od-plan__step');
  assert.equal(await step.getAttribute('data-action'), 'change');
  assert.equal(await step.getAttribute('data-target'), 'ai-organization');
  const diff = await step.locator('[data-testid="diff"]').textContent();
  assert.match(diff, /Primary colour.*#5b21b6.*#0000ff/s);
  assert.equal(await step.locator('.od-diff__row').count(), 1, 'only the colour differs');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-plan.png'), fullPage: true });
  // The plan passes axe in light and dark, and fits a phone.
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    assert.deepEqual(await axeViolations(page), [], `the plan in ${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 0, 'no sideways scroll at 390 px');
  await page.setViewportSize({ width: 1280, height: 800 });

  // 4. Applied, with the outcome said.
  await page.click('[data-testid="apply"]');
  const outcome = page.locator('[data-testid="outcome"]');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-state'), 'applied');
  assert.match(await outcome.textContent(), /Applied 1 change\./);
  const org = await (await page.request.get(`${demo.server.url}/api/orgs/${AI_ORG}`)).json();
  assert.equal(org.branding.colors.primary, '#0000ff');

  // 5. In the audit log, with the plan's id.
  await page.click('text=Open the audit log');
  const entry = page.locator('article[data-action="org.update"]').first();
  await entry.waitFor();
  const text = await entry.textContent();
  assert.match(text, /Import plan.*imp_/s);
  assert.match(text, /Primary colour.*#5b21b6.*#0000ff/s);

  // Planning the same file again finds nothing to change.
  await page.goto(`${demo.server.url}/import`);
  await page.setInputFiles('[data-testid="import-file"]', exported);
  await page.waitForFunction(() => !document.querySelector('[data-testid="plan"]').disabled);
  await page.click('[data-testid="plan"]');
  await page.locator('[data-testid="plan-view"][data-steps="0"]').waitFor();
  assert.deepEqual(page.problems, []);
});

test('a file that is not an export is refused in words, and comparing shows every difference', async () => {
  const page = await newPage(demo.browser);
  page.expect400 = true;
  await signIn(page, demo.server.url, 'platform-admin', '/import');
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-import-'));
  const bad = join(dir, 'notes.json');
  writeFileSync(bad, '{"hello": "world"}');
  await page.setInputFiles('[data-testid="import-file"]', bad);
  await page.waitForFunction(() => !document.querySelector('[data-testid="plan"]').disabled);
  await page.click('[data-testid="plan"]');
  await page.locator('[data-testid="plan-error"]').waitFor();
  assert.match(await page.textContent('[data-testid="plan-error"]'), /not an orgdesk snapshot/);

  // A snapshot of the tenant without one organization: comparing lists its deletion.
  const snapshot = await (await page.request.get(`${demo.server.url}/api/export?format=json`)).json();
  snapshot.organizations = snapshot.organizations.filter((o) => o.name !== 'tyrell-corp');
  const drift = join(dir, 'tenant.json');
  writeFileSync(drift, JSON.stringify(snapshot));
  await page.setInputFiles('[data-testid="import-file"]', drift);
  await page.waitForFunction(() => !document.querySelector('[data-testid="compare"]').disabled);
  await page.click('[data-testid="compare"]');
  await page.locator('.od-plan__step[data-action="delete"][data-target="tyrell-corp"]').waitFor();
  assert.equal(await page.locator('[data-testid="apply"]').count(), 0, 'a comparison applies nothing');
  assert.match(await page.textContent('#plan-heading'), /Differences/);
  assert.deepEqual(page.problems, []);
});
