// The keyboard alone: an org admin signs in, rebrands their organization and invites a
// colleague without touching the mouse. Every control on the way takes focus in order, and
// focus is visible wherever it lands. The same for an API (platform admin) and a domain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo, newPage } from './harness.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const demo = useDemo();

/**
 * Presses Tab until the focused element matches `selector` (at most 80 times), then checks
 * that focus is visible there. Returns how many presses it took.
 */
async function tabTo(page, selector) {
  for (let presses = 1; presses <= 80; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) {
      const visible = await page.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return el.matches(':focus-visible') && (style.outlineStyle !== 'none' || style.boxShadow !== 'none');
      });
      assert.ok(visible, `focus on ${selector} is visible`);
      return presses;
    }
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  throw new Error(`Tab never reached ${selector}; focus is on ${at}`);
}

test('an org admin rebrands their org and invites a colleague with the keyboard alone', async () => {
  const page = await newPage(demo.browser);
  await page.goto(`${demo.server.url}/`);
  await page.waitForURL(/\/auth\/login/);
  await tabTo(page, 'button[data-persona="org-admin"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}`);
  await page.locator('h1', { hasText: 'AI Organization' }).waitFor();

  // The first Tab offers to skip the sidebar and the top bar; Enter lands in the content.
  assert.equal(await tabTo(page, 'a.od-skip'), 1, 'the skip link is the first stop');
  assert.ok(await page.locator('a.od-skip').isVisible(), 'the skip link shows while it has the focus');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'content');
  assert.equal(page.url(), `${demo.server.url}/orgs/${AI_ORG}`, 'skipping does not navigate');

  // Branding: a new primary colour, reviewed and confirmed.
  await tabTo(page, `a.od-tabs__tab[href="/orgs/${AI_ORG}/branding"]`);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}/branding`);
  await page.locator('#primary-color').waitFor();
  await tabTo(page, '#primary-color');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('#5B21B6');
  await tabTo(page, '[data-testid="save"]:not([disabled])');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="diff"]').waitFor();
  assert.ok(
    await page.evaluate(() => document.querySelector('[role="dialog"]').contains(document.activeElement)),
    'focus moved into the review dialog',
  );
  await tabTo(page, '[data-testid="confirm"]');
  await page.keyboard.press('Enter');
  await page.locator('.od-toast', { hasText: 'Saved' }).waitFor();
  await page.locator('[role="dialog"]').waitFor({ state: 'detached' });
  // Save has nothing left to save and is disabled: the focus waits in the content, not on the body.
  await page.waitForFunction(() => document.activeElement?.id === 'content');

  // Invitations: one address, one role, sent.
  await tabTo(page, `a.od-tabs__tab[href="/orgs/${AI_ORG}/invitations"]`);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}/invitations`);
  await page.locator('#invitees').waitFor();
  await tabTo(page, '#invitees');
  await page.keyboard.type('keyboard.user@example.com');
  await tabTo(page, 'input[data-role="viewer"]');
  await page.keyboard.press('Space');
  assert.equal(await page.isChecked('input[data-role="viewer"]'), true);
  await tabTo(page, '[data-testid="invite"]:not([disabled])');
  await page.keyboard.press('Enter');
  const row = page.locator('tr[data-invitee="keyboard.user@example.com"]');
  await row.waitFor();
  // The emptied form disables Invite; the focus goes back to the addresses for the next ones.
  await page.waitForFunction(() => document.activeElement?.id === 'invitees');
  assert.match(await row.textContent(), /viewer/);

  // What was saved is what was typed.
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/branding`);
  await page.locator('#primary-color').waitFor();
  assert.equal(await page.inputValue('#primary-color'), '#5b21b6');
  assert.deepEqual(page.problems, []);
});

test('the platform admin creates an API with two permissions with the keyboard alone', async () => {
  const page = await newPage(demo.browser);
  await page.goto(`${demo.server.url}/apis`);
  await page.waitForURL(/\/auth\/login/);
  await tabTo(page, 'button[data-persona="platform-admin"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${demo.server.url}/apis`);
  await page.locator('tr[data-api]').first().waitFor();

  await tabTo(page, '.od-page-header__actions .od-button--primary');
  await page.keyboard.press('Enter');
  await page.locator('#api-name').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'api-name', 'focus starts in the dialog');
  await page.keyboard.type('Keyboard API');
  await tabTo(page, '#api-identifier');
  await page.keyboard.type('urn:keyboard:api');
  for (const [value, description] of [['invoke:gpt-4o', 'Call GPT-4o'], ['read:usage', 'Read usage']]) {
    await tabTo(page, '[data-testid="add-permission"]');
    await page.keyboard.press('Enter');
    await tabTo(page, '[data-testid="permission-value"]:placeholder-shown');
    await page.keyboard.type(value);
    await tabTo(page, '[data-testid="permission-description"]:placeholder-shown');
    await page.keyboard.type(description);
  }
  await tabTo(page, '[data-testid="create-api"]:not([disabled])');
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Keyboard API' }).waitFor();
  assert.deepEqual(
    await page.locator('[data-testid="permission-value"]').evaluateAll((inputs) => inputs.map((i) => i.value)),
    ['invoke:gpt-4o', 'read:usage'],
  );
  assert.deepEqual(page.problems, []);
});

test('an org admin adds a domain, switches its discovery and removes it with the keyboard alone', async () => {
  const page = await newPage(demo.browser);
  await page.goto(`${demo.server.url}/orgs/${AI_ORG}/domains`);
  await page.waitForURL(/\/auth\/login/);
  await tabTo(page, 'button[data-persona="org-admin"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${demo.server.url}/orgs/${AI_ORG}/domains`);
  await page.locator('li[data-domain="ai-organization-labs.example"]').waitFor();

  await tabTo(page, '#new-domain');
  await page.keyboard.type('keyboard-only.example');
  await page.keyboard.press('Enter');
  const card = page.locator('li[data-domain="keyboard-only.example"]');
  await card.waitFor();

  await tabTo(page, 'li[data-domain="keyboard-only.example"] input[type="checkbox"]');
  await page.keyboard.press('Space');
  await page.locator('.od-toast', { hasText: 'no longer discovers' }).waitFor();
  // The change kept the person's place: focus is still on the checkbox they pressed.
  assert.equal(
    await page.evaluate(() => document.activeElement?.matches('li[data-domain="keyboard-only.example"] input[type="checkbox"]')),
    true,
    'focus stays on the checkbox while and after the change is saved',
  );
  assert.equal(await page.isChecked('li[data-domain="keyboard-only.example"] input[type="checkbox"]'), false);

  const remove = 'li[data-domain="keyboard-only.example"] button.od-button--danger-text';
  await tabTo(page, remove);
  await page.keyboard.press('Enter');
  // Escape closes the dialog and gives the focus back to the button that opened it.
  await page.locator('[data-testid="confirm-remove-domain"]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('[role="dialog"]').waitFor({ state: 'detached' });
  await page.waitForFunction((sel) => document.activeElement?.matches(sel), remove);
  // Tab stays inside an open dialog: Shift+Tab from its first button wraps to its last.
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="confirm-remove-domain"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'confirm-remove-domain');
  await page.keyboard.press('Enter');
  await card.waitFor({ state: 'detached' });
  // The opener went with the domain: the focus lands on the page's main region, not the body.
  await page.waitForFunction(() => document.activeElement?.matches('main'));
  await tabTo(page, '#new-domain');
  assert.deepEqual(page.problems, []);
});
