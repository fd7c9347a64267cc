// Stored cross-site scripting: names and metadata that look like markup are shown as text on
// every screen that shows them, and no script runs. And the built app carries no secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useDemo, newPage, signIn } from './harness.mjs';

const demo = useDemo();
const IMG = '<img src=x onerror=alert(1)>';
const SVG = '"><svg onload=alert(1)>';

test('markup in a display name and in metadata renders as text and runs nothing', async () => {
  const page = await newPage(demo.browser);
  const dialogs = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  await signIn(page, demo.server.url, 'platform-admin');
  const me = await (await page.request.get(`${demo.server.url}/api/me`)).json();
  const created = await page.request.post(`${demo.server.url}/api/orgs`, {
    headers: { 'x-csrf-token': me.csrf_token, origin: demo.server.url },
    data: { name: 'markup-test', display_name: IMG, metadata: { tenant_id: SVG } },
  });
  assert.equal(created.status(), 201, await created.text());
  const org = await created.json();

  await page.goto(`${demo.server.url}/orgs?q=markup`);
  await page.locator('td', { hasText: IMG }).first().waitFor();
  await page.goto(`${demo.server.url}/orgs/${org.id}`);
  await page.locator(`text=${IMG}`).first().waitFor();
  await page.goto(`${demo.server.url}/orgs/${org.id}/access`);
  await page.locator('body', { hasText: SVG }).waitFor();
  await page.goto(`${demo.server.url}/audit`);
  await page.locator('article[data-action="org.create"]', { hasText: IMG }).first().waitFor();

  // No element was made from the payloads, and no dialog opened.
  assert.equal(await page.locator('svg[onload], img[onerror]').count(), 0);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(page.problems, []);
});

test('the built app holds no secret, private key or token', () => {
  const dist = process.env.ORGDESK_DIST ?? 'dist';
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!/\.(br|gz)$/.test(name)) files.push(path);
    }
  };
  walk(dist);
  assert.ok(files.some((f) => f.endsWith('.wasm')), 'the app was built');
  const patterns = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /client_secret\s*[=:]\s*["'][^"']+/i,
    /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
    /ORGDESK_(AUTH0|LOGIN)_CLIENT_SECRET=/,
    /secret-for-tests/,
  ];
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    for (const pattern of patterns) {
      assert.ok(!pattern.test(text), `${file} matches ${pattern}`);
    }
  }
});
