// Two orgdesk replicas on one PostgreSQL behind nginx (round robin), in real mode: signed in
// through a real OpenID Connect provider, managing a Management API stand-in. What a person
// does through the balancer must not depend on which replica answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOrgdesk, launchBrowser, newPage, findLeaks } from './harness.mjs';
import { createDatabase, freePort, json, signInAtProvider, startNginx, startProvider, writeConfig } from './cluster.mjs';

const ORG = { id: 'org_3hbVAMF8F3wVIcEJ', name: 'test-organization298', display_name: 'Test Organization' };
const ADA = { sub: 'auth0|ada0000000000000000001', email: 'ada@ai.example', name: 'Ada Admin' };
const SIGN_IN_LIMIT = 12;

/** The Management API stand-in: one organization that can be renamed, and Ada's role. */
function managementApi() {
  const org = { ...ORG };
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/oauth/token') return json(res, 200, { access_token: 'm2m-token', expires_in: 86400, token_type: 'Bearer' });
    if (path === `/api/v2/users/${ADA.sub}/roles`) {
      return json(res, 200, { roles: [{ id: 'rol_1', name: 'orgdesk-platform-admin' }], start: 0, limit: 100, total: 1 });
    }
    if (path === '/api/v2/organizations') return json(res, 200, { organizations: [org], start: 0, limit: 50, total: 1 });
    if (path === `/api/v2/organizations/${ORG.id}` && req.method === 'PATCH') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        Object.assign(org, JSON.parse(body));
        json(res, 200, org);
      });
      return undefined;
    }
    if (path === `/api/v2/organizations/${ORG.id}`) return json(res, 200, org);
    return json(res, 404, { statusCode: 404, error: 'Not Found', message: 'No such thing' });
  });
}

let idp;
let mgmt;
let replicas;
let nginx;
let browser;
let issuer;
let base;

before(async () => {
  const databaseUrl = createDatabase('orgdesk_e2e');
  idp = await startProvider([ADA]);
  issuer = idp.issuer;
  mgmt = managementApi();
  mgmt.listen(0, '127.0.0.1');
  await once(mgmt, 'listening');

  const lbPort = await freePort();
  base = `http://127.0.0.1:${lbPort}`;
  idp.serve(base);
  const config = writeConfig(mkdtempSync(join(tmpdir(), 'orgdesk-replicas-')), 'orgdesk.toml', {
    management: `http://127.0.0.1:${mgmt.address().port}`,
    issuer,
    extra: ['[limits]', `sign_in_per_minute = ${SIGN_IN_LIMIT}`],
  });
  const start = () => startOrgdesk({
    args: ['--config', config, '--public-url', base, '--database-url', databaseUrl],
    env: {
      ORGDESK_AUTH0_CLIENT_SECRET: 'm2m-secret-for-tests',
      ORGDESK_LOGIN_CLIENT_SECRET: 'login-secret-for-tests',
    },
  });
  // Started together: the migrations run once, under PostgreSQL's advisory lock.
  replicas = await Promise.all([start(), start()]);
  const [first, second] = replicas.map((r) => r.url.replace('http://', ''));
  // For this test alone, a sign-in always starts on the first replica and its callback always
  // lands on the second, so that "the other replica finishes a sign-in" is shown every run.
  nginx = await startNginx(lbPort, [first, second], { '/auth/login': first, '/auth/callback': second });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  for (const replica of replicas ?? []) await replica.stop();
  idp?.close();
  mgmt?.close();
});

/** How many requests for `path` each replica logged. */
const served = (path) => replicas.map((r) => r.logs.join('').split('\n').filter((line) => line.includes(`path=${path} `)).length);

test('two replicas behind nginx behave as one orgdesk', async () => {
  const page = await newPage(browser);
  page.expect404 = true; // the provider's pages have no icon
  await page.goto(`${base}/orgs`);
  await signInAtProvider(page, issuer, ADA);
  await page.waitForURL(`${base}/orgs`);
  await page.locator('text=Test Organization').first().waitFor();
  // The app prefetches the other screens once the list is up; let that finish, so that what
  // follows is all that goes through the balancer.
  await page.locator('html[data-prefetched]').waitFor({ state: 'attached' });

  // The sign-in began on the first replica and its callback was taken by the second, which
  // found the sign-in in the shared database; everything else alternated between them.
  assert.deepEqual(served('/auth/login'), [1, 0]);
  assert.deepEqual(served('/auth/callback'), [0, 1]);

  // Changes through the balancer land on both replicas; the Audit screen shows one trail, in order.
  const me = await (await page.request.get(`${base}/api/me`)).json();
  for (let n = 1; n <= 4; n += 1) {
    const saved = await page.request.patch(`${base}/api/orgs/${ORG.id}`, {
      headers: { 'x-csrf-token': me.csrf_token, origin: base, 'content-type': 'application/json' },
      data: { display_name: `Rename ${n}` },
    });
    assert.equal(saved.status(), 200, await saved.text());
  }
  assert.ok(served(`/api/orgs/${ORG.id}`).every((n) => n >= 2), `both replicas saved: ${served(`/api/orgs/${ORG.id}`)}`);
  await page.goto(`${base}/audit`);
  await page.locator('.od-audit__entry[data-action="org.update"]').first().waitFor();
  const trail = await page.locator('.od-audit__entry[data-action="org.update"]').allTextContents();
  // Each entry reads "before → after": the last name in it is the one it set.
  const order = trail.map((text) => [...text.matchAll(/Rename (\d)/g)].pop()?.[1]).filter(Boolean);
  assert.deepEqual(order.slice(0, 4), ['4', '3', '2', '1'], trail.join('\n---\n'));
  assert.deepEqual(page.problems, []);

  // The sign-in limit is one budget for both replicas (2 used by the sign-in above). Demo
  // sign-in is not there in real mode (404), but it counts as a sign-in attempt, and the
  // balancer alternates it between the replicas.
  let allowed = 0;
  for (let i = 0; i < 2 * SIGN_IN_LIMIT; i += 1) {
    const response = await page.request.post(`${base}/auth/demo-login`, { form: { persona: 'member' }, headers: { origin: base } });
    if (response.status() === 429) break;
    allowed += 1;
  }
  assert.equal(allowed, SIGN_IN_LIMIT - 2, 'counted once across replicas');
  assert.ok(served('/auth/demo-login').every((n) => n >= 3), `both replicas counted: ${served('/auth/demo-login')}`);

  // Signing out on one replica ends the session on the other within a second.
  const [a, b] = replicas.map((r) => r.url);
  assert.equal((await page.request.get(`${b}/api/me`)).status(), 200);
  const out = await page.request.post(`${a}/auth/logout`, { headers: { 'x-csrf-token': me.csrf_token, origin: a } });
  assert.equal(out.status(), 200);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  assert.equal((await page.request.get(`${b}/api/me`)).status(), 401);
});

test('the replicas\' logs hold no secret, token or code', () => {
  for (const replica of replicas) {
    const logs = replica.logs.join('');
    assert.deepEqual(findLeaks(logs), []);
    for (const secret of ['m2m-secret-for-tests', 'login-secret-for-tests', 'm2m-token', 'postgres://']) {
      assert.ok(!logs.includes(secret), `a replica's log holds ${secret}`);
    }
  }
});
