// Real mode, end to end: orgdesk signs people in through a real OpenID Connect provider
// (the npm package oidc-provider, on loopback, standing in for the Auth0 tenant's Universal
// Login), and manages a tenant whose Management API is a loopback stand-in answering with
// Auth0's recorded responses (no Auth0 tenant is reachable from here).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { startOrgdesk, launchBrowser, newPage, findLeaks } from './harness.mjs';

// Recorded in TestOrganizationManager_List (auth0/go-auth0): the org as Auth0 returned it.
const RECORDED_ORG = { id: 'org_3hbVAMF8F3wVIcEJ', name: 'test-organization298', display_name: 'Test Organization', branding: { logo_url: 'https://example.com/logo.gif' } };
const RECORDED_LIST = { organizations: [RECORDED_ORG], start: 0, limit: 50, total: 1 };

const PEOPLE = {
  ada: { sub: 'auth0|ada0000000000000000001', email: 'ada@ai.example', name: 'Ada Admin' },
  omar: { sub: 'auth0|omar000000000000000002', email: 'omar@customer.example', name: 'Omar Okafor', org_id: RECORDED_ORG.id },
  mallory: { sub: 'auth0|mallory00000000000000003', email: 'mallory@elsewhere.example', name: 'Mallory', org_id: 'org_elsewhere0000001' },
};
const PLATFORM_ROLE = 'orgdesk-platform-admin';

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

/** The Management API stand-in: the recorded organization, and who holds which role. */
function managementApi() {
  const calls = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = decodeURIComponent(url.pathname);
    calls.push(`${req.method} ${path}`);
    if (path === '/oauth/token') return json(res, 200, { access_token: 'm2m-token', expires_in: 86400, token_type: 'Bearer' });
    if (req.headers.authorization !== 'Bearer m2m-token') return json(res, 401, { statusCode: 401, error: 'Unauthorized', message: 'Missing token' });
    const roles = (names) => json(res, 200, { roles: names.map((name) => ({ id: `rol_${name}`, name })), start: 0, limit: 100, total: names.length });
    if (path === `/api/v2/users/${PEOPLE.ada.sub}/roles`) return roles([PLATFORM_ROLE]);
    if (/^\/api\/v2\/users\/[^/]+\/roles$/.test(path)) return roles([]);
    if (path === '/api/v2/organizations') return json(res, 200, RECORDED_LIST);
    if (path === `/api/v2/organizations/${RECORDED_ORG.id}`) return json(res, 200, RECORDED_ORG);
    if (path === `/api/v2/organizations/${RECORDED_ORG.id}/members/${PEOPLE.omar.sub}/roles`) return roles(['org-admin']);
    return json(res, 404, { statusCode: 404, error: 'Not Found', message: 'No organization found by that id or name' });
  });
  return { server, calls };
}

let provider;
let idpServer;
let mgmt;
let orgdesk;
let browser;
let issuer;

before(async () => {
  // The provider's address must be known before orgdesk starts, and orgdesk's before the
  // provider's client is registered: listen first, attach the provider afterwards.
  let handler = (req, res) => { res.writeHead(503); res.end(); };
  idpServer = createServer((req, res) => handler(req, res));
  idpServer.listen(0, '127.0.0.1');
  await once(idpServer, 'listening');
  issuer = `http://127.0.0.1:${idpServer.address().port}`;

  mgmt = managementApi();
  mgmt.server.listen(0, '127.0.0.1');
  await once(mgmt.server, 'listening');

  // orgdesk's own port is chosen here so that its public URL (the redirect URI) is known.
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = probe.address().port;
  await new Promise((resolve) => probe.close(resolve));
  const publicUrl = `http://127.0.0.1:${port}`;

  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-real-'));
  const config = join(dir, 'orgdesk.toml');
  writeFileSync(config, [
    '[auth0]',
    'domain = "tenant.example.com"',
    'app_client_id = "ai-app"',
    'app_redirect_uri = "https://ai.example.com/callback"',
    'client_id = "m2m"',
    `management_url = "http://127.0.0.1:${mgmt.server.address().port}"`,
    'login_client_id = "orgdesk-login"',
    `issuer = "${issuer}"`,
    '',
  ].join('\n'));

  provider = new Provider(issuer, {
    clients: [{
      client_id: 'orgdesk-login',
      client_secret: 'login-secret-for-tests',
      redirect_uris: [`${publicUrl}/auth/callback`],
      post_logout_redirect_uris: [`${publicUrl}/auth/login`],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: { openid: ['sub', 'org_id'], email: ['email'], profile: ['name'] },
    conformIdTokenClaims: false,
    extraParams: ['organization'],
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['e2e-cookie-key-not-a-secret'] },
    // The login typed on the provider's page is the person's Auth0-style user id, which
    // becomes the ID token's `sub`.
    async findAccount(ctx, id) {
      const person = Object.values(PEOPLE).find((p) => p.sub === id);
      if (!person) return undefined;
      return { accountId: id, async claims() { return { ...person }; } };
    },
  });
  provider.on('server_error', (ctx, err) => { console.error('provider error', err); });
  handler = provider.callback();

  orgdesk = await startOrgdesk({
    args: ['--config', config, '--public-url', publicUrl],
    listen: `127.0.0.1:${port}`,
    env: {
      ORGDESK_AUTH0_CLIENT_SECRET: 'm2m-secret-for-tests',
      ORGDESK_LOGIN_CLIENT_SECRET: 'login-secret-for-tests',
    },
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await orgdesk?.stop();
  idpServer?.close();
  mgmt?.server.close();
});

async function signInAtProvider(page, login) {
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.fill('input[name="login"]', PEOPLE[login].sub);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.locator('button', { hasText: 'Continue' }).click();
}

test('a platform admin signs in through the provider and sees the tenant\'s recorded organizations', async () => {
  const page = await newPage(browser);
  // The provider's pages have no icon: Chromium's favicon request there is a 404.
  page.expect404 = true;
  await page.goto(`${orgdesk.url}/orgs`);
  await signInAtProvider(page, 'ada');
  await page.waitForURL(`${orgdesk.url}/orgs`);
  const row = page.locator('text=Test Organization').first();
  await row.waitFor();
  assert.match(await page.textContent('.od-topbar'), /Ada Admin/);
  assert.match(await page.textContent('.od-topbar'), /Platform admin/i);
  assert.equal(await page.locator('.od-badge--demo').count(), 0, 'no Demo data badge in real mode');
  assert.ok(mgmt.calls.includes('GET /api/v2/organizations'), mgmt.calls.join('\n'));

  // Signing out ends orgdesk's session and the provider's.
  await page.click('button:has-text("Sign out")');
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.locator('button', { hasText: /yes|sign me out/i }).first().click();
  await page.waitForURL((url) => url.href.startsWith(orgdesk.url) || url.href.startsWith(issuer));
  const me = await page.request.get(`${orgdesk.url}/api/me`);
  assert.equal(me.status(), 401);
  assert.deepEqual(page.problems, []);
});

test('an org admin signs in to their organization and sees only it', async () => {
  const page = await newPage(browser);
  await page.goto(`${orgdesk.url}/auth/login?organization=${RECORDED_ORG.id}&return_to=%2Forgs`);
  await signInAtProvider(page, 'omar');
  await page.waitForURL(`${orgdesk.url}/orgs`);
  await page.locator('text=Test Organization').first().waitFor();
  assert.match(await page.textContent('.od-topbar'), /Org admin/i);
  const me = await (await page.request.get(`${orgdesk.url}/api/me`)).json();
  assert.equal(me.role, 'org_admin');
  assert.equal(me.org_id, RECORDED_ORG.id);
  assert.equal(me.mode, 'auth0');
  assert.deepEqual(page.problems, []);
});

test('someone whose token names another organization than the one asked for is refused', async () => {
  const page = await newPage(browser);
  page.expect400 = true;
  await page.goto(`${orgdesk.url}/auth/login?organization=${RECORDED_ORG.id}`);
  await signInAtProvider(page, 'mallory');
  await page.locator('[data-testid="signin-problem"]').waitFor();
  assert.match(await page.textContent('[data-testid="signin-problem"]'), /could not be verified/);
  const me = await page.request.get(`${orgdesk.url}/api/me`);
  assert.equal(me.status(), 401);
});

test('the logs of the whole run hold no secret, token or code', () => {
  const logs = orgdesk.logs.join('');
  assert.match(logs, /signed in/);
  assert.deepEqual(findLeaks(logs), []);
  for (const secret of ['m2m-secret-for-tests', 'login-secret-for-tests', 'm2m-token']) {
    assert.ok(!logs.includes(secret), `the log holds ${secret}`);
  }
});
