// Verified domains, end to end against a real DNS server on loopback: AI Organization's org
// admin adds ai-organization.example, sees the TXT record to publish, the test publishes it, and
// Verify turns the domain verified; removing the record fails it again on the next check; the
// domain is removed after a confirmation. The same admin makes a single sign-on set-up link; the
// IT admin, without an account, completes orgdesk's own set-up page, and the new connection is
// enabled for AI Organization. Acme's org admin gets 404 for AI Organization's domains and links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOrgdesk, launchBrowser, newPage, signIn, axeViolations, SCREENSHOT_DIR } from './harness.mjs';
import { startDns } from './dns.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const ctx = {};

before(async () => {
  ctx.dns = await startDns();
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-dns-'));
  const config = join(dir, 'orgdesk.toml');
  writeFileSync(config, `[dns]\nresolver = "${ctx.dns.address}"\n`);
  ctx.server = await startOrgdesk({ args: ['--demo', '--config', config] });
  ctx.browser = await launchBrowser();
});

after(async () => {
  await ctx.browser?.close();
  await ctx.server?.stop();
  await ctx.dns?.stop();
});

test('an org admin adds a domain, publishes its TXT record and Verify finds it', async () => {
  const page = await newPage(ctx.browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.server.url });
  await signIn(page, ctx.server.url, 'org-admin', `/orgs/${AI_ORG}`);
  // The sidebar leads there.
  await page.click('nav[aria-label="Main"] >> text=Domains');
  await page.waitForURL(`**/orgs/${AI_ORG}/domains`);
  await page.locator('li[data-domain="ai-organization-labs.example"][data-status="verified"]').waitFor();

  // The rule as typed: an address is refused before anything is sent; a free provider warned.
  await page.fill('#new-domain', '10.0.0.1');
  await page.locator('.od-field__error', { hasText: 'IP address' }).waitFor();
  assert.equal(await page.isDisabled('button:has-text("Add domain")'), true);
  await page.fill('#new-domain', 'gmail.com');
  await page.locator('.od-field__warning', { hasText: 'free email provider' }).waitFor();
  await page.fill('#new-domain', 'ai-organization.example');
  await page.click('button:has-text("Add domain")');

  const card = page.locator('li[data-domain="ai-organization.example"]');
  await card.waitFor();
  assert.equal(await card.getAttribute('data-status'), 'pending');
  const host = (await card.locator('[data-testid="txt-host"]').textContent()).trim();
  const value = (await card.locator('[data-testid="txt-value"]').textContent()).trim();
  assert.equal(host, `_ss-verification.${AI_ORG}.ai-organization.example`);
  await card.locator('button[aria-label="Copy record\'s value"]').click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);

  // Verify before publishing: failed, saying nothing was found.
  await card.locator('button:has-text("Verify")').click();
  await page.locator('li[data-domain="ai-organization.example"][data-status="failed"]').waitFor();
  assert.match(await page.locator('li[data-domain="ai-organization.example"] .od-domain__message').textContent(), /No TXT record was found/);

  // Published on the loopback DNS: Verify turns it verified.
  await ctx.dns.publish(host, value);
  await page.locator('li[data-domain="ai-organization.example"] button:has-text("Verify")').click();
  const verified = page.locator('li[data-domain="ai-organization.example"][data-status="verified"]');
  await verified.waitFor();
  assert.match(await verified.textContent(), /Last checked/);
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'domains.png') });

  // The record removed: the next check fails it again.
  await ctx.dns.unpublish(host);
  await verified.locator('button:has-text("Check again")').click();
  await page.locator('li[data-domain="ai-organization.example"][data-status="failed"]').waitFor();

  // Removed after a confirmation.
  await page.locator('li[data-domain="ai-organization.example"] button:has-text("Remove")').click();
  await page.click('[data-testid="confirm-remove-domain"]');
  await page.locator('li[data-domain="ai-organization.example"]').waitFor({ state: 'detached' });

  await page.goto(`${ctx.server.url}/audit`);
  for (const label of ['Added domain', 'Checked domain', 'Removed domain']) {
    await page.locator('article', { hasText: label }).first().waitFor();
  }
  await page.context().close();
});

test('an org admin makes a single sign-on link, the IT admin completes the set-up, and the connection is enabled', async () => {
  const page = await newPage(ctx.browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.server.url });
  await signIn(page, ctx.server.url, 'org-admin', `/orgs/${AI_ORG}/domains`);
  const sso = page.locator('[data-testid="sso"]');
  await sso.locator('[data-testid="no-sso"]').waitFor();
  await sso.locator('button:has-text("Set up single sign-on")').click();
  const field = page.locator('[data-testid="sso-link"]');
  await field.waitFor();
  const link = await field.inputValue();
  assert.match(link, /\/sso-setup\?ticket=/);
  await page.click('button[aria-label="Copy set-up link"]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await page.click('[data-testid="sso-link-done"]');
  await field.waitFor({ state: 'detached' });
  assert.equal((await page.content()).includes(link), false, 'the link is gone once the dialog closes');

  // The IT admin, with no orgdesk account: step 1, step 2, done.
  const it = await newPage(ctx.browser);
  await it.goto(link);
  await it.locator('h1', { hasText: 'Set up single sign-on for AI Organization' }).waitFor();
  const found = [];
  const axe = async (where) => {
    for (const scheme of ['light', 'dark']) {
      await it.emulateMedia({ colorScheme: scheme });
      for (const line of await axeViolations(it)) found.push(`${where} (${scheme}): ${line}`);
    }
  };
  await axe('step 1');
  await it.check('input[value="samlp"]');
  await it.click('button:has-text("Continue")');
  await it.fill('#metadata_url', 'http://idp.ai-organization.example/metadata.xml');
  await it.click('button:has-text("Create the connection")');
  await it.locator('.sso__error', { hasText: 'https://' }).waitFor();
  await axe('step 2 with an error');
  assert.deepEqual(found, [], `\n${found.join('\n')}`);
  await it.fill('#metadata_url', 'https://idp.ai-organization.example/metadata.xml');
  await it.click('button:has-text("Create the connection")');
  await it.locator('[data-testid="sso-done"]').waitFor();
  await it.screenshot({ path: join(SCREENSHOT_DIR, 'sso-setup.png') });
  // Used up.
  await it.goto(link);
  await it.locator('[data-testid="sso-problem"]').waitFor();
  await it.context().close();

  // The connection, on this tab and on the Connections tab, enabled for AI Organization.
  await page.reload();
  const item = sso.locator('li[data-connection="ai-organization-samlp"]', { hasText: 'SAML' });
  await item.waitFor();
  // Auto-join says whom it lets in before it is turned on.
  assert.match(await item.locator('[data-testid="auto-join-reach"]').textContent(), /addresses at @ai-organization-labs\.example\) becomes a member of AI Organization/);
  await item.locator('[data-testid="auto-join"]').check();
  await page.locator('.od-toast', { hasText: 'Colleagues now join on their first sign-in' }).waitFor();
  await page.reload();
  assert.equal(await sso.locator('li[data-connection="ai-organization-samlp"] [data-testid="auto-join"]').isChecked(), true);
  await page.click('a.od-tabs__tab:has-text("Connections")');
  await page.locator('tr[data-connection="ai-organization-samlp"]', { hasText: 'samlp' }).waitFor();
  await page.goto(`${ctx.server.url}/audit`);
  for (const label of ['Made SSO set-up link', 'Set up single sign-on']) {
    await page.locator('article', { hasText: label }).first().waitFor();
  }
  assert.equal((await page.content()).includes(link.split('ticket=')[1]), false, 'the ticket is in no audit row');
  await page.context().close();
});

test("Acme's org admin gets 404 for AI Organization's domains and sees only Acme's", async () => {
  const page = await newPage(ctx.browser);
  await signIn(page, ctx.server.url, 'org-admin-acme', '/');
  const answer = await page.request.get(`${ctx.server.url}/api/orgs/${AI_ORG}/domains`);
  assert.equal(answer.status(), 404);
  const verify = await page.request.post(`${ctx.server.url}/api/orgs/${AI_ORG}/domains/ord_aiOrgLabsDomain000001/verify`, {
    headers: { origin: ctx.server.url, 'x-csrf-token': (await (await page.request.get(`${ctx.server.url}/api/me`)).json()).csrf_token },
  });
  assert.equal(verify.status(), 404);
  const ticket = await page.request.post(`${ctx.server.url}/api/orgs/${AI_ORG}/sso-ticket`, {
    headers: { origin: ctx.server.url, 'x-csrf-token': (await (await page.request.get(`${ctx.server.url}/api/me`)).json()).csrf_token },
    data: {},
  });
  assert.equal(ticket.status(), 404);
  await page.goto(`${ctx.server.url}/orgs/org_acmeR0b8Tn3Vw5/domains`);
  await page.locator('li[data-domain="acme-robotics.example"][data-status="pending"]').waitFor();
  assert.equal(await page.locator('li[data-domain="ai-organization-labs.example"]').count(), 0);
  await page.context().close();
});
