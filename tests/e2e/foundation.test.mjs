// The foundation, end to end: the real orgdesk binary in demo mode, the real built app, in
// Debian's Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { useDemo, newPage, signIn, SCREENSHOT_DIR } from './harness.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const demo = useDemo();

test('a platform admin signs in, finds AI Organization with its #0000FF swatch, opens it and signs out', async () => {
  const page = await newPage(demo.browser);
  await page.goto(demo.server.url + '/orgs');
  await page.waitForURL(/\/auth\/login\?return_to=%2Forgs/);
  assert.match(await page.textContent('h1'), /Sign in/);
  await page.click('button[data-persona="platform-admin"]');
  await page.waitForURL(`${demo.server.url}/orgs`);

  const row = page.locator('tr[data-org="ai-organization"]');
  await row.waitFor();
  assert.equal(await page.locator('tr[data-org]').count(), 12);
  assert.match(await row.textContent(), /AI Organization/);
  const swatch = row.locator('.od-swatch');
  assert.equal(await swatch.getAttribute('data-color'), '#0000ff');
  // The colour really paints (set through CSSOM, which the strict CSP allows).
  assert.equal(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(0, 0, 255)');
  assert.match(await page.textContent('.od-topbar'), /Ada Admin/);
  assert.match(await page.textContent('.od-topbar'), /Demo data/);

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'organizations.png') });

  // Search narrows the list as you type.
  await page.fill('input[type=search]', 'robot');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-org]').length === 1);
  assert.equal(await page.locator('tr[data-org]').getAttribute('data-org'), 'acme-robotics');
  await page.fill('input[type=search]', '');
  await page.waitForFunction(() => document.querySelectorAll('tr[data-org]').length === 12);

  await page.click('tr[data-org="ai-organization"] a');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}`);
  await page.locator('h1', { hasText: 'AI Organization' }).waitFor();
  const body = await page.textContent('main');
  assert.match(body, /tenant12345/);
  assert.match(body, /#0000ff/);
  assert.match(body, new RegExp(AI_ORG));
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'organization.png') });

  await page.click('button:has-text("Sign out")');
  await page.waitForURL(/\/auth\/login/);
  const status = await page.evaluate(async () => (await fetch('/api/me')).status);
  assert.equal(status, 401, 'the session is gone after sign-out');
  assert.deepEqual(page.problems, []);
});

test('an org admin sees only their org, and another org is not found', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin-acme');
  // The start page of an org admin is their own organization.
  await page.locator('h1', { hasText: 'Acme Robotics' }).waitFor();
  const nav = await page.textContent('.od-nav');
  assert.match(nav, /My organization/);
  assert.doesNotMatch(nav, /Users|Settings/, 'no link that would answer 403');

  page.expect404 = true;
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}`);
  await page.locator('text=Page not found').waitFor();
  assert.doesNotMatch(await page.textContent('main'), /AI Organization/);

  await page.goto(`${demo.server.url}/no/such/screen`);
  await page.locator('text=Page not found').waitFor();
  assert.deepEqual(page.problems, []);
});

test('the served app carries a strict Content-Security-Policy and precompressed assets', async () => {
  const response = await fetch(demo.server.url + '/', { headers: { 'accept-encoding': 'br' } });
  const csp = response.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(response.headers.get('cache-control'), 'no-cache');
  const html = await response.text();
  const build = /href="(\/app-[0-9a-f]{16}\/)orgdesk-web_bg\.wasm"/.exec(html)?.[1];
  assert.ok(build, 'index.html preloads the wasm from the build folder, named by content');
  assert.match(html, /integrity="sha384-[A-Za-z0-9+/=]+"/);
  // The main module and a lazily loaded screen alike: brotli, cached for ever, the right type.
  for (const file of ['orgdesk-web_bg.wasm', 'split_audit_chunk.wasm']) {
    const asset = await fetch(demo.server.url + build + file, { headers: { 'accept-encoding': 'br' } });
    assert.equal(asset.status, 200, file);
    assert.equal(asset.headers.get('content-encoding'), 'br');
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(asset.headers.get('content-type'), 'application/wasm');
  }
});
