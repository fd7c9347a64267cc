// Tenant settings, end to end, as the platform admin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useDemo, newPage, signIn, SCREENSHOT_DIR } from './harness.mjs';

const demo = useDemo();

test('the platform admin changes the tenant settings after reviewing the changes', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin');
  await page.click('.od-nav a:has-text("Settings")');
  await page.waitForURL(`${demo.server.url}/settings`);
  const name = page.locator('#friendly-name');
  await name.waitFor();
  assert.equal(await name.inputValue(), 'My AI Application');
  assert.equal(await page.inputValue('#support-email'), 'support@example.com');
  await page.locator('.od-flags__row', { hasText: 'enable_client_connections' }).waitFor();

  // A bad address is named as it is typed, and Save stays off.
  await page.fill('#support-email', 'help-at-acme');
  await page.locator('.od-field__error', { hasText: 'is not an email address' }).waitFor();
  assert.equal(await page.isDisabled('[data-testid="save"]'), true);

  await page.fill('#support-email', 'help@acme.ai');
  await name.fill('Acme AI');
  await page.check('.od-settings input[type="checkbox"]');
  await page.click('[data-testid="save"]');
  const diff = page.locator('[data-testid="diff"]');
  await diff.waitFor();
  const text = await diff.textContent();
  assert.match(text, /My AI Application/);
  assert.match(text, /Acme AI/);
  assert.match(text, /help@acme\.ai/);
  assert.match(text, /Log link on the error page/);
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'settings-review.png') });
  await page.click('[data-testid="confirm"]');
  await page.locator('.od-toast', { hasText: 'Settings saved' }).waitFor();

  await page.reload();
  await page.locator('#friendly-name').waitFor();
  assert.equal(await page.inputValue('#friendly-name'), 'Acme AI');
  assert.equal(await page.inputValue('#support-email'), 'help@acme.ai');

  await page.goto(`${demo.server.url}/audit`);
  await page.locator('article[data-action="tenant.update"]', { hasText: 'Changed tenant settings' }).first().waitFor();
  assert.deepEqual(page.problems, []);
});

test('an org admin has no Settings screen', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.locator('.od-nav').waitFor();
  assert.equal(await page.locator('.od-nav a:has-text("Settings")').count(), 0);
  assert.deepEqual(page.problems, []);
});
