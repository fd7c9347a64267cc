// Members and invitations, end to end, as the org admin of AI Organization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo, newPage, signIn } from './harness.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const SAM = 'auth0|6651f0a2c3d4e5f6a7b8c9d3';
const demo = useDemo();

test('the org admin invites someone with a role, sees the countdown, and revokes the invitation', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.click('.od-nav a:has-text("Invitations")');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}/invitations`);

  await page.fill('#invitees', 'new.analyst@example.com');
  await page.check('input[data-role="viewer"]');
  await page.click('[data-testid="invite"]');
  const row = page.locator('tr[data-invitee="new.analyst@example.com"]');
  await row.waitFor();
  assert.match(await row.textContent(), /viewer/);
  const countdown = row.locator('[data-testid="countdown"]');
  // Seven days (the default) from now, to the second.
  assert.match(await countdown.textContent(), /^(7 days 0 h|6 days 23 h)$/);

  await row.locator('button:has-text("Revoke")').click();
  await page.click('[data-testid="confirm-revoke"]');
  await page.locator('.od-toast', { hasText: 'Revoked the invitation of new.analyst@example.com' }).waitFor();
  await row.waitFor({ state: 'detached' });
  assert.deepEqual(page.problems, []);
});

test('the org admin gives a member a role and sees the chip at once', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/members`);
  const sam = page.locator(`[data-member="${SAM}"]`);
  await sam.waitFor();
  assert.match(await page.textContent('[data-testid="member-count"]'), /4 members/);
  await sam.locator('select').selectOption({ label: 'viewer' });
  await sam.locator('.od-chip', { hasText: 'viewer' }).waitFor();
  await page.reload();
  await page.locator(`[data-member="${SAM}"] .od-chip`, { hasText: 'viewer' }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('a 200-row CSV is invited with a progress bar, and running it again adds nothing', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/invitations`);
  await page.locator('tr[data-invitee]').first().waitFor();
  const before = await page.locator('tr[data-invitee]').count();
  const csv = ['email,roles', ...Array.from({ length: 200 }, (_, i) => `bulk${i}@example.com,viewer`)].join('\n');

  await page.click('[data-testid="bulk-open"]');
  await page.fill('[data-testid="csv"]', csv);
  await page.locator('[data-testid="bulk-summary"]', { hasText: '200 to invite · 0 with problems · 0 already invited' }).waitFor();
  await page.click('[data-testid="bulk-start"]');
  await page.locator('[data-testid="progress"] progress').waitFor();
  await page.locator('[data-testid="bulk-done"]', { hasText: 'Finished: 200 invited, 0 failed, 0 skipped.' }).waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('[data-testid="progress"] progress').getAttribute('value'), '200');
  await page.click('.od-modal button:has-text("Close")');
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-invitee]').length === n, before + 200);

  await page.click('[data-testid="bulk-open"]');
  await page.fill('[data-testid="csv"]', csv);
  await page.locator('[data-testid="bulk-summary"]', { hasText: '0 to invite · 0 with problems · 200 already invited (skipped)' }).waitFor();
  assert.equal(await page.locator('[data-testid="bulk-start"]').isDisabled(), true, 'a rerun has nothing to send');
  assert.deepEqual(page.problems, []);
});

test('the platform admin creates a user from an organization page and sees them as a member', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin');
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/members`);
  await page.locator('[data-member]').first().waitFor();
  await page.click('button:has-text("Create user")');
  await page.fill('#user-email', 'new.scientist@example.com');
  await page.fill('#user-password', 'weak');
  assert.equal(await page.locator('[data-testid="create-user"]').isDisabled(), true, 'a weak password cannot be sent');
  await page.fill('#user-password', 'Str0ng-enough!');
  await page.fill('#user-name', 'New Scientist');
  await page.check('.od-modal input[type="checkbox"]');
  await page.fill('.od-modal [aria-label="Metadata key"]', 'role');
  await page.fill('.od-modal [aria-label="Metadata value"]', 'data-scientist');
  await page.click('[data-testid="create-user"]');
  await page.locator('.od-member', { hasText: 'new.scientist@example.com' }).waitFor();
  assert.match(await page.textContent('[data-testid="member-count"]'), /5 members/);

  page.expect409 = true;
  await page.click('button:has-text("Create user")');
  await page.fill('#user-email', 'user@example.com');
  await page.fill('#user-password', 'Str0ng-enough!');
  await page.click('[data-testid="create-user"]');
  await page.locator('.od-modal .od-field__error', { hasText: 'already exists' }).waitFor();
  await page.keyboard.press('Escape');

  await page.goto(`${demo.server.url}/users`);
  await page.fill('input[type="search"]', 'new.scientist');
  await page.locator('tr[data-user="new.scientist@example.com"] a').click();
  await page.locator('text=organization_id').waitFor();
  assert.match(await page.textContent('main'), /AI Organization/);
  assert.match(await page.textContent('main'), /data-scientist/);
  assert.deepEqual(page.problems, []);
});

test('sign-up on a connection needs membership on login, with the words Auth0 uses', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin');
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/connections`);
  const row = page.locator('tr[data-connection="Username-Password-Authentication"]');
  await row.waitFor();
  page.expect400 = true;
  await row.locator('[aria-label="Allow sign-up"]').click();
  await page.locator('.od-toast--error', { hasText: 'Only database connections with assign_membership_on_login = true support is_signup_enabled = true.' }).waitFor();
  await row.locator('[aria-label="Assign membership on login"]').click();
  await page.locator('.od-toast', { hasText: 'Connection updated' }).first().waitFor();
  await page.waitForFunction(() => document.querySelector('tr[data-connection="Username-Password-Authentication"] [aria-label="Assign membership on login"]')?.checked === true);
  await page.locator('tr[data-connection="Username-Password-Authentication"] [aria-label="Allow sign-up"]').click();
  await page.waitForFunction(() => document.querySelector('tr[data-connection="Username-Password-Authentication"] [aria-label="Allow sign-up"]')?.checked === true);
  assert.deepEqual(page.problems, []);
});

test('the access tab shows who can do what, and a member’s token claims', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/access`);
  const sam = page.locator(`.od-matrix tr[data-member="${SAM}"]`);
  await sam.waitFor();
  await sam.click();
  await page.locator('[data-testid="claims-for"]', { hasText: 'for user@example.com' }).waitFor();
  const claims = await page.textContent('[data-testid="claims"]');
  assert.match(claims, /"sub": "auth0\|6651f0a2c3d4e5f6a7b8c9d3"/);
  assert.match(claims, /"permissions": \[.*"run:inference".*\]/);
  assert.match(claims, /"https:\/\/ai\.example\.com\/allowed_models": \["gpt-4o","claude-sonnet"\]/);
  assert.deepEqual(page.problems, []);
});
