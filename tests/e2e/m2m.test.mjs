// Machine-to-machine access, end to end: the platform admin creates an application for AI
// Organization, copies its secret once, reloads and finds it gone for good, previews its token
// and rotates the secret; AI Organization's org admin sees the application without any secret
// or way to change it; Acme's org admin gets 404 for it; no secret is ever in orgdesk's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useDemo, newPage, signIn, SCREENSHOT_DIR } from './harness.mjs';

const demo = useDemo();
const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const secrets = [];

test('the platform admin creates an M2M application for AI Organization and copies its secret once', async () => {
  const page = await newPage(demo.browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.server.url });
  await signIn(page, demo.server.url, 'platform-admin', `/orgs/${AI_ORG}/access`);
  const section = page.locator('[data-testid="m2m"]');
  await section.locator('tr', { hasText: 'AI Organization batch pipeline' }).waitFor();

  await section.locator('button:has-text("New application")').click();
  await page.fill('#m2m-name', 'Inference worker');
  await page.locator('.od-modal input[data-permission="invoke:gpt-4o"]').waitFor();
  assert.equal(await page.isDisabled('[data-testid="create-m2m"]'), true);
  await page.check('.od-modal input[data-permission="invoke:gpt-4o"]');
  await page.check('.od-modal input[data-permission="run:inference"]');
  await page.click('[data-testid="create-m2m"]');

  // 4. The secret, once, and copied.
  const field = page.locator('[data-testid="client-secret"]');
  await field.waitFor();
  const secret = await field.inputValue();
  assert.ok(secret.length >= 32, `a long secret: ${secret.length}`);
  secrets.push(secret);
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'm2m-secret.png') });
  await page.click('button[aria-label="Copy client secret"]');
  await page.locator('.od-toast', { hasText: 'Copied the client secret' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await page.click('[data-testid="secret-done"]');
  await section.locator('tr', { hasText: 'Inference worker' }).waitFor();
  assert.equal((await page.content()).includes(secret), false);

  // 5. After a reload the secret is gone for good: not on the page, not in any answer.
  await page.reload();
  const row = section.locator('tr', { hasText: 'Inference worker' });
  await row.waitFor();
  assert.equal((await page.content()).includes(secret), false);
  const listed = await (await page.request.get(`${demo.server.url}/api/orgs/${AI_ORG}/m2m`)).text();
  assert.equal(listed.includes(secret) || listed.includes('client_secret'), false);

  // The token it would get for this organization.
  await row.locator('button:has-text("Token preview")').click();
  const token = await page.locator('[data-testid="m2m-token"]').textContent();
  assert.match(token, new RegExp(`"org_id": "${AI_ORG}"`));
  assert.match(token, /"scope": "invoke:gpt-4o run:inference"/);
  assert.match(token, /"gty": "client-credentials"/);

  // Rotating shows a new secret, once.
  await row.locator('button:has-text("Rotate secret")').click();
  await page.click('[data-testid="confirm-rotate"]');
  await field.waitFor();
  const rotated = await field.inputValue();
  assert.notEqual(rotated, secret);
  secrets.push(rotated);
  await page.click('[data-testid="secret-done"]');
  await field.waitFor({ state: 'detached' });

  // Auth0's token quota for the organization, after a review.
  await page.fill('#quota-hour', '500');
  await page.fill('#quota-day', '100');
  await page.locator('[data-testid="token-quota"] .od-field__error', { hasText: 'cannot allow more' }).waitFor();
  assert.equal(await page.isDisabled('[data-testid="save-quota"]'), true);
  await page.fill('#quota-hour', '10');
  await page.click('[data-testid="save-quota"]');
  assert.match(await page.locator('[data-testid="diff"]').textContent(), /10 per hour, 100 per day \(enforced\)/);
  await page.click('[data-testid="confirm"]');
  await page.locator('.od-toast', { hasText: 'Saved the token quota' }).waitFor();

  await page.goto(`${demo.server.url}/audit`);
  for (const label of ['Created M2M application', 'Rotated M2M secret', 'Changed token quota']) {
    await page.locator('article', { hasText: label }).first().waitFor();
  }
  assert.equal((await page.content()).includes(secret), false);
  assert.deepEqual(page.problems, []);
});

test('AI Organization\'s org admin sees the application without a secret; Acme\'s gets 404', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin', `/orgs/${AI_ORG}/access`);
  const section = page.locator('[data-testid="m2m"]');
  await section.locator('tr', { hasText: 'Inference worker' }).waitFor();
  assert.equal(await section.locator('button:has-text("New application")').count(), 0);
  assert.equal(await section.locator('button:has-text("Rotate secret")').count(), 0);
  assert.equal(await section.locator('button:has-text("Remove")').count(), 0);
  assert.match(await page.textContent('[data-testid="quota-words"]'), /10 per hour, 100 per day \(enforced\)/);
  assert.equal(await page.locator('#quota-hour').count(), 0);
  const html = await page.content();
  for (const secret of secrets) assert.equal(html.includes(secret), false);

  const acme = await newPage(demo.browser);
  acme.expect404 = true;
  await signIn(acme, demo.server.url, 'org-admin-acme', '/orgs');
  assert.equal((await acme.request.get(`${demo.server.url}/api/orgs/${AI_ORG}/m2m`)).status(), 404);
  assert.deepEqual(page.problems, []);
});

test('no client secret is in orgdesk\'s log', async () => {
  assert.equal(secrets.length, 2);
  const log = demo.server.logs.join('');
  for (const secret of secrets) assert.equal(log.includes(secret), false, 'a secret in the log');
  assert.doesNotMatch(log, /client_secret/);
});
