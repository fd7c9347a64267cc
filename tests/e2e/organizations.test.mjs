// Organizations and the branding studio, end to end: the real binary, the real app, Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useDemo, newPage, signIn, SCREENSHOT_DIR } from './harness.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const ACME = 'org_acmeR0b8Tn3Vw5';
const demo = useDemo();

const previewButton = '[data-caption="Edited"] [data-testid="preview-button"]';

test('an org admin rebrands their org: preview, diff, save, reload; another org stays not found', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.locator('h1', { hasText: 'AI Organization' }).waitFor();
  await page.click('a.od-tabs__tab:has-text("Branding")');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}/branding`);

  const button = page.locator(previewButton);
  await button.waitFor();
  assert.equal(await button.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(0, 0, 255)');
  assert.equal(await page.locator('[data-testid="save"]').isDisabled(), true, 'nothing to save yet');

  await page.fill('#primary-color', '#5B21B6');
  await page.waitForFunction(
    (sel) => getComputedStyle(document.querySelector(sel)).backgroundColor === 'rgb(91, 33, 182)',
    previewButton,
  );
  await page.click('button:has-text("Side by side")');
  await page.locator('[data-caption="Saved"]').waitFor();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'branding-studio.png'), fullPage: true });

  await page.click('[data-testid="save"]');
  const diff = page.locator('[data-testid="diff"]');
  await diff.waitFor();
  const diffText = await diff.textContent();
  assert.match(diffText, /Primary colour/);
  assert.match(diffText, /#0000ff/);
  assert.match(diffText, /#5b21b6/);
  assert.doesNotMatch(diffText, /Page background/, 'only what changed is listed');
  await page.click('[data-testid="confirm"]');
  await page.locator('.od-toast', { hasText: 'Saved' }).waitFor();

  await page.reload();
  await page.locator('#primary-color').waitFor();
  assert.equal(await page.inputValue('#primary-color'), '#5b21b6', 'the change survived a reload');

  page.expect404 = true;
  await page.goto(`${demo.server.url}/orgs/${ACME}/branding`);
  await page.locator('text=Page not found').waitFor();

  await page.goto(`${demo.server.url}/audit`);
  const entry = page.locator('article[data-action="org.update"]').first();
  await entry.waitFor();
  assert.match(await entry.textContent(), /Primary colour.*#0000ff.*#5b21b6/s);
  assert.match(await entry.textContent(), /omar@ai-organization\.example/);
  assert.deepEqual(page.problems, []);
});

test('a platform admin creates an organization, is refused a taken name, and deletes it by typing its name', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin');
  await page.locator('tr[data-org]').first().waitFor();

  await page.click('button:has-text("New organization")');
  await page.fill('#new-name', 'Bad Name');
  await page.locator('.od-modal .od-field__error').waitFor();
  assert.match(await page.textContent('.od-modal'), /lower-case letters/);
  assert.equal(await page.locator('.od-modal button[type="submit"]').isDisabled(), true);

  page.expect409 = true;
  await page.fill('#new-name', 'acme-robotics');
  await page.click('.od-modal button[type="submit"]');
  await page.locator('.od-modal .od-field__error', { hasText: 'already exists' }).waitFor();

  await page.fill('#new-name', 'e2e-customer');
  await page.fill('#new-display', 'E2E Customer');
  await page.fill('#new-primary', '#0f766e');
  await page.click('.od-modal button[type="submit"]');
  await page.locator('h1', { hasText: 'E2E Customer' }).waitFor();
  assert.match(page.url(), /\/orgs\/org_[A-Za-z0-9]+$/);

  await page.click('button:has-text("Delete organization…")');
  const confirm = page.locator('.od-modal button:has-text("Delete for ever")');
  await page.locator('.od-modal', { hasText: 'members' }).waitFor();
  assert.equal(await confirm.isDisabled(), true, 'the name must be typed first');
  await page.fill('#confirm-name', 'e2e-customer');
  await confirm.click();
  await page.waitForURL(`${demo.server.url}/orgs`);
  await page.locator('tr[data-org]').first().waitFor();
  assert.equal(await page.locator('tr[data-org="e2e-customer"]').count(), 0);
  assert.deepEqual(page.problems, []);
});
