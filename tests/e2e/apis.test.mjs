// APIs and their permissions, end to end: the platform admin creates one (the permission rule
// checked as typed), changes it after a review and deletes it after typing its identifier;
// org admins have no such screen and the proxy refuses them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useDemo, newPage, signIn, SCREENSHOT_DIR } from './harness.mjs';

const demo = useDemo();
const IDENTIFIER = 'https://models.ai-application.example/';

test('the platform admin creates an API with two permissions, changes it after a review and deletes it', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin');
  await page.click('.od-nav a:has-text("APIs")');
  await page.waitForURL(`${demo.server.url}/apis`);
  await page.locator('tr[data-api="https://api.ai-application.example/"]').waitFor();
  assert.match(await page.locator('tr', { hasText: 'Auth0 Management API' }).textContent(), /Auth0/);

  await page.click('button:has-text("New API")');
  await page.fill('#api-name', 'Model Gateway');
  await page.fill('#api-identifier', 'models');
  await page.locator('.od-field__error', { hasText: 'absolute URI' }).waitFor();
  await page.fill('#api-identifier', IDENTIFIER);
  await page.click('[data-testid="add-permission"]');
  const values = page.locator('[data-testid="permission-value"]');
  const descriptions = page.locator('[data-testid="permission-description"]');
  await values.nth(0).fill('invoke gpt-4o');
  await page.locator('.od-field__error', { hasText: 'not a space' }).waitFor();
  assert.equal(await page.isDisabled('[data-testid="create-api"]'), true);
  await values.nth(0).fill('invoke:gpt-4o');
  await descriptions.nth(0).fill('Call GPT-4o');
  await page.click('[data-testid="add-permission"]');
  await values.nth(1).fill('read:usage');
  await descriptions.nth(1).fill('Read token usage');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'api-create.png') });
  await page.click('[data-testid="create-api"]');
  await page.locator('.od-toast', { hasText: 'Created Model Gateway' }).waitFor();
  await page.locator('h1', { hasText: 'Model Gateway' }).waitFor();
  assert.match(page.url(), /\/apis\/rs_/);
  assert.equal(await values.count(), 2);

  // Remove one permission, rename, and review both before saving.
  await page.click('button[aria-label="Remove permission read:usage"]');
  await page.fill('#api-name', 'Model Gateway v2');
  await page.click('[data-testid="save"]');
  const diff = page.locator('[data-testid="diff"]');
  await diff.waitFor();
  const text = await diff.textContent();
  assert.match(text, /Model Gateway v2/);
  assert.match(text, /read:usage \(Read token usage\)/);
  await page.click('[data-testid="confirm"]');
  await page.locator('.od-toast', { hasText: 'Saved Model Gateway v2' }).waitFor();
  await page.reload();
  await page.locator('h1', { hasText: 'Model Gateway v2' }).waitFor();
  assert.equal(await page.locator('[data-testid="permission-value"]').count(), 1);

  // Deleting asks for the identifier.
  await page.click('button:has-text("Delete API…")');
  assert.equal(await page.isDisabled('[data-testid="delete-api"]'), true);
  await page.fill('#confirm-identifier', IDENTIFIER);
  await page.click('[data-testid="delete-api"]');
  await page.waitForURL(`${demo.server.url}/apis`);
  await page.locator('tr[data-api="https://api.ai-application.example/"]').waitFor();
  assert.equal(await page.locator(`tr[data-api="${IDENTIFIER}"]`).count(), 0);

  await page.goto(`${demo.server.url}/audit`);
  for (const label of ['Created API', 'Changed API', 'Deleted API']) {
    await page.locator('article', { hasText: label }).first().waitFor();
  }
  assert.deepEqual(page.problems, []);
});

test('the directory\'s own API is shown, never editable', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin', '/apis/rs_managementApi0001');
  await page.locator('h1', { hasText: 'Auth0 Management API' }).waitFor();
  await page.locator('text=It belongs to Auth0').waitFor();
  assert.equal(await page.locator('[data-testid="save"]').count(), 0);
  assert.equal(await page.locator('button:has-text("Delete API…")').count(), 0);
  assert.deepEqual(page.problems, []);
});

test('org admins have no APIs screen, and the proxy refuses them', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.locator('.od-nav').waitFor();
  assert.equal(await page.locator('.od-nav a:has-text("APIs")').count(), 0);
  assert.equal((await page.request.get(`${demo.server.url}/api/apis`)).status(), 403);
  assert.deepEqual(page.problems, []);
});
