// Roles, end to end: the platform admin creates an API with two permissions, a role granting
// one of them, gives the role to a member of AI Organization and sees that member's claims
// preview change; the role is then deleted after the dialog says who holds it. Org admins
// read the catalogue and can neither create APIs nor roles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useDemo, newPage, signIn, SCREENSHOT_DIR } from './harness.mjs';

const demo = useDemo();
const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const JONAS = 'auth0|6651f0a2c3d4e5f6a7b8c9d5';
const GATEWAY = 'https://models.ai-application.example/';

async function claimsOf(page, userId, email) {
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/access`);
  const row = page.locator(`.od-matrix tr[data-member="${userId}"]`);
  await row.waitFor();
  await row.click();
  await page.locator('[data-testid="claims-for"]', { hasText: `for ${email}` }).waitFor();
  return page.textContent('[data-testid="claims"]');
}

test('the platform admin creates an API, a role with one of its permissions, gives it to a member and sees the claims change', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin', '/apis');

  // 1. An API with two permissions.
  await page.click('button:has-text("New API")');
  await page.fill('#api-name', 'Model Gateway');
  await page.fill('#api-identifier', GATEWAY);
  await page.click('[data-testid="add-permission"]');
  await page.locator('[data-testid="permission-value"]').nth(0).fill('invoke:llama-3');
  await page.locator('[data-testid="permission-description"]').nth(0).fill('Call Llama 3');
  await page.click('[data-testid="add-permission"]');
  await page.locator('[data-testid="permission-value"]').nth(1).fill('read:usage');
  await page.click('[data-testid="create-api"]');
  await page.locator('.od-toast', { hasText: 'Created Model Gateway' }).waitFor();

  // 2. A role with one of them.
  await page.click('.od-nav a:has-text("Roles")');
  await page.locator('[data-role="data-scientist"]').waitFor();
  await page.locator('[data-role="data-scientist"] .od-badge', { hasText: 'Org admins can grant' }).waitFor();
  await page.click('button:has-text("New role")');
  await page.fill('#role-name', 'prompt/engineer');
  await page.locator('.od-field__error', { hasText: 'not “/”' }).waitFor();
  assert.equal(await page.isDisabled('[data-testid="create-role"]'), true);
  await page.fill('#role-name', 'prompt-engineer');
  await page.fill('#role-description', 'Writes and tests prompts against the gateway.');
  await page.click('[data-testid="create-role"]');
  await page.locator('h1', { hasText: 'prompt-engineer' }).waitFor();
  assert.match(page.url(), /\/roles\/rol_/);
  const roleUrl = page.url();
  assert.match(await page.textContent('[data-testid="role-holders"]'), /no one/);
  await page.check('input[data-permission="invoke:llama-3"]');
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'role-edit.png') });
  await page.click('[data-testid="save-permissions"]');
  const diff = await page.locator('[data-testid="diff"]').textContent();
  assert.match(diff, /invoke:llama-3 \(https:\/\/models\.ai-application\.example\/\)/);
  await page.click('[data-testid="confirm"]');
  await page.locator('.od-toast', { hasText: "Saved the role's permissions" }).waitFor();
  await page.reload();
  await page.locator('h1', { hasText: 'prompt-engineer' }).waitFor();
  assert.equal(await page.isChecked('input[data-permission="invoke:llama-3"]'), true);
  assert.equal(await page.isChecked('input[data-permission="read:usage"]'), false);

  // 3. Given to a member of AI Organization, whose claims now carry the permission.
  const before = await claimsOf(page, JONAS, 'jonas@ai-organization.example');
  assert.doesNotMatch(before, /invoke:llama-3/);
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/members`);
  const jonas = page.locator(`[data-member="${JONAS}"]`);
  await jonas.waitFor();
  await jonas.locator('select').selectOption({ label: 'prompt-engineer' });
  await jonas.locator('.od-chip', { hasText: 'prompt-engineer' }).waitFor();
  const after = await claimsOf(page, JONAS, 'jonas@ai-organization.example');
  assert.match(after, /"permissions": \[.*"invoke:llama-3".*\]/);

  // Deleting the role says who holds it, and asks for its name.
  await page.goto(roleUrl);
  assert.match(await page.locator('[data-testid="role-holders"]').textContent(), /1 member/);
  await page.click('button:has-text("Delete role…")');
  await page.locator('.od-modal', { hasText: '1 member holds this role' }).waitFor();
  assert.equal(await page.isDisabled('[data-testid="delete-role"]'), true);
  await page.fill('#confirm-role-name', 'prompt-engineer');
  await page.click('[data-testid="delete-role"]');
  await page.waitForURL(`${demo.server.url}/roles`);
  await page.locator('[data-role="viewer"]').waitFor();
  assert.equal(await page.locator('[data-role="prompt-engineer"]').count(), 0);
  assert.doesNotMatch(await claimsOf(page, JONAS, 'jonas@ai-organization.example'), /invoke:llama-3/);

  await page.goto(`${demo.server.url}/audit`);
  for (const label of ['Created role', 'Gave role permissions', 'Deleted role']) {
    await page.locator('article', { hasText: label }).first().waitFor();
  }
  assert.deepEqual(page.problems, []);
});

test('org admins read the roles but can create neither APIs nor roles', async () => {
  for (const persona of ['org-admin', 'org-admin-acme']) {
    const page = await newPage(demo.browser);
    await signIn(page, demo.server.url, persona, '/roles');
    await page.locator('[data-role="viewer"] .od-badge', { hasText: 'You can grant' }).waitFor();
    assert.equal(await page.locator('button:has-text("New role")').count(), 0);
    assert.equal(await page.locator('.od-role a').count(), 0);
    const me = await (await page.request.get(`${demo.server.url}/api/me`)).json();
    const headers = { 'x-csrf-token': me.csrf_token, origin: demo.server.url };
    const role = await page.request.post(`${demo.server.url}/api/roles`, { headers, data: { name: 'sneaky' } });
    assert.equal(role.status(), 403, persona);
    const apiCall = await page.request.post(`${demo.server.url}/api/apis`, {
      headers,
      data: { name: 'Sneaky', identifier: 'https://sneaky.example/' },
    });
    assert.equal(apiCall.status(), 403, persona);
    assert.deepEqual(page.problems, []);
  }
});
