// Every screen, for every persona, in light and in dark: axe-core's WCAG 2.1 A/AA rules find
// nothing, no card is wider than itself at 1280 px, and at 390 px (a phone) the page never
// scrolls sideways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo, newPage, signIn, axeViolations } from './harness.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const ADA = 'auth0|6651f0a2c3d4e5f6a7b8c9d0';
const demo = useDemo();

const ORG_TABS = ['', '/branding', '/members', '/invitations', '/connections', '/domains', '/access'].map(
  (tab) => `/orgs/${AI_ORG}${tab}`,
);
const SCREENS = {
  'platform-admin': ['/orgs', ...ORG_TABS, '/users', `/users/${encodeURIComponent(ADA)}`, '/roles', '/settings', '/audit', '/apis', '/apis/rs_aiPlatformApi0002', '/apis/rs_managementApi0001', '/roles/rol_dataSci00002', '/import', '/no-such-screen'],
  'org-admin': [...ORG_TABS, '/audit', '/import'],
  member: [`/orgs/${AI_ORG}`, `/orgs/${AI_ORG}/members`],
};

/** Waits until the screen has its content: no skeleton, nothing loading. */
async function settled(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && document.querySelector('h1'));
}

/** Cards whose content is wider than they are (a card that scrolls on purpose is fine). */
async function overflowingCards(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.od-card, .od-toolbar, .od-page-header')]
      .filter((el) => getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.className} is ${el.scrollWidth} px wide inside ${el.clientWidth} px`),
  );
}

/** How much wider than the window the page is. */
async function sidewaysScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

async function check(page, where, found) {
  await settled(page);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const line of await axeViolations(page)) found.push(`${where} (${scheme}): ${line}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  for (const line of await overflowingCards(page)) found.push(`${where} at 1280 px: ${line}`);
  const sidebar = await page.evaluate(() => {
    const bar = document.querySelector('.od-sidebar');
    if (!bar) return null;
    window.scrollTo(0, document.documentElement.scrollHeight);
    const r = bar.getBoundingClientRect();
    window.scrollTo(0, 0);
    return { top: r.top, bottom: r.bottom, height: window.innerHeight };
  });
  if (sidebar && (sidebar.top > 1 || sidebar.bottom < sidebar.height - 1)) {
    found.push(`${where} at 1280 px: scrolled to the end, the sidebar covers ${sidebar.top}–${sidebar.bottom} of ${sidebar.height} px`);
  }
  const wider = await sidewaysScroll(page);
  if (wider > 0) found.push(`${where} at 1280 px: the page scrolls sideways by ${wider} px`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(50);
  const phone = await sidewaysScroll(page);
  if (phone > 0) found.push(`${where} at 390 px: the page scrolls sideways by ${phone} px`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('the sign-in page passes axe in light and dark, and fits a phone', async () => {
  const page = await newPage(demo.browser);
  await page.goto(`${demo.server.url}/auth/login`);
  const found = [];
  await check(page, '/auth/login', found);
  assert.deepEqual(found, [], `\n${found.join('\n')}`);
});

for (const [persona, paths] of Object.entries(SCREENS)) {
  test(`every screen of the ${persona} passes axe in light and dark, and fits 1280 px and a phone`, async () => {
    const page = await newPage(demo.browser);
    page.expect404 = true; // the screen that does not exist
    await signIn(page, demo.server.url, persona);
    const found = [];
    for (const path of paths) {
      await page.goto(demo.server.url + path);
      await check(page, path, found);
    }
    assert.deepEqual(found, [], `\n${found.join('\n')}`);
    assert.deepEqual(page.problems, []);
  });
}

// The dialogs, open over their screens.
const DIALOGS = [
  ['/orgs', 'New organization'],
  ['/users', 'New user'],
  [`/orgs/${AI_ORG}`, 'Delete organization…'],
  [`/orgs/${AI_ORG}/members`, 'Add members'],
  [`/orgs/${AI_ORG}/members`, 'Create user'],
  [`/orgs/${AI_ORG}/invitations`, 'Invite from a CSV file…'],
  [`/orgs/${AI_ORG}/access`, 'New application'],
  [`/orgs/${AI_ORG}/access`, 'Add existing grant'],
  [`/orgs/${AI_ORG}/domains`, 'Remove'],
  ['/roles', 'New role'],
];

test('every dialog of the platform admin passes axe in light and dark, and fits a phone', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'platform-admin');
  const found = [];
  for (const [path, button] of DIALOGS) {
    await page.goto(demo.server.url + path);
    await settled(page);
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.locator('[role="dialog"]').waitFor();
    await check(page, `${path} › ${button}`, found);
  }
  assert.deepEqual(found, [], `\n${found.join('\n')}`);
});

test("the organization's export menu, open, passes axe in light and dark, and fits a phone", async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin', `/orgs/${AI_ORG}`);
  await settled(page);
  await page.click('summary.od-export__summary');
  await page.locator('.od-export__panel').waitFor();
  const found = [];
  await check(page, `/orgs/${AI_ORG} › Export as code`, found);
  assert.deepEqual(found, [], `\n${found.join('\n')}`);
});

test('a denied attempt reads as a refusal on the Audit screen, not as a change', async () => {
  const page = await newPage(demo.browser);
  page.expect404 = true;
  await signIn(page, demo.server.url, 'org-admin');
  // A change to another organization: refused, and recorded as a refusal.
  const status = await page.evaluate(async () => (await fetch('/api/orgs/org_acmeR0b8Tn3Vw5', { method: 'DELETE' })).status);
  assert.ok([403, 404].includes(status), `refused, got ${status}`);
  await page.goto(`${demo.server.url}/audit`);
  const row = page.locator('[data-action="denied"]').first();
  await row.waitFor();
  assert.match(await row.textContent(), /Asked for DELETE \/api\/orgs\/org_acmeR0b8Tn3Vw5 — refused, nothing was changed\./);
  assert.equal(await row.locator('[data-testid="diff"], .od-diff').count(), 0, 'no before and after');
});
