// One of two replicas is killed (kill -9) in the middle of a bulk CSV invitation, behind nginx,
// on one PostgreSQL, in real mode. The other replica carries on; the one row whose request died
// with the replica is shown with an unknown outcome (Auth0 did make it) and is not sent again;
// the audit log holds each completed invitation exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOrgdesk, launchBrowser, newPage } from './harness.mjs';
import { createDatabase, freePort, json, signInAtProvider, startNginx, startProvider, writeConfig } from './cluster.mjs';

const ORG = { id: 'org_3hbVAMF8F3wVIcEJ', name: 'test-organization298', display_name: 'Test Organization' };
const ADA = { sub: 'auth0|ada0000000000000000001', email: 'ada@ai.example', name: 'Ada Admin' };
const ROWS = 10;
const HELD = 'row4@example.com';

/**
 * The tenant, as one state behind two Management API addresses — one per replica, so that the
 * test knows which replica sent a request. The invitation of HELD is held until released.
 */
function tenant() {
  const invitations = [];
  let held;
  const heldAt = new Promise((resolve) => { held = resolve; });
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const server = (replica) => createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/oauth/token') return json(res, 200, { access_token: 'm2m-token', expires_in: 86400, token_type: 'Bearer' });
    if (path === `/api/v2/users/${ADA.sub}/roles`) {
      return json(res, 200, { roles: [{ id: 'rol_1', name: 'orgdesk-platform-admin' }], start: 0, limit: 100, total: 1 });
    }
    if (path === '/api/v2/roles') {
      return json(res, 200, { roles: [{ id: 'rol_viewer', name: 'viewer', description: 'Reads' }], start: 0, limit: 100, total: 1 });
    }
    if (/^\/api\/v2\/roles\/[^/]+\/permissions$/.test(path)) return json(res, 200, { permissions: [], start: 0, limit: 100, total: 0 });
    if (path === '/api/v2/connections') return json(res, 200, []);
    if (path === `/api/v2/organizations/${ORG.id}/enabled_connections`) return json(res, 200, []);
    if (path === '/api/v2/organizations') return json(res, 200, { organizations: [ORG], start: 0, limit: 50, total: 1 });
    if (path === `/api/v2/organizations/${ORG.id}`) return json(res, 200, ORG);
    if (path === `/api/v2/organizations/${ORG.id}/invitations` && req.method === 'GET') {
      return json(res, 200, { invitations, start: 0, limit: invitations.length });
    }
    if (path === `/api/v2/organizations/${ORG.id}/invitations` && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', async () => {
        const asked = JSON.parse(body);
        if (asked.invitee.email === HELD) {
          held(replica);
          await released;
        }
        const now = new Date();
        const invitation = {
          id: `uinv_${String(invitations.length).padStart(16, '0')}`,
          inviter: asked.inviter,
          invitee: asked.invitee,
          invitation_url: 'https://login.ai.example/invite',
          created_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 7 * 86400_000).toISOString(),
          organization_id: ORG.id,
          roles: asked.roles ?? [],
          ticket_id: 'ticket',
        };
        // Auth0 makes the invitation, whether or not anyone hears the answer.
        invitations.push(invitation);
        if (!res.destroyed) json(res, 201, invitation);
      });
      return undefined;
    }
    return json(res, 404, { statusCode: 404, error: 'Not Found', message: `no ${req.method} ${path}` });
  });
  return { invitations, server, heldAt, release: () => release() };
}

let idp;
let stands;
let replicas;
let nginx;
let browser;
let base;
let world;

before(async () => {
  const databaseUrl = createDatabase('orgdesk_kill');
  idp = await startProvider([ADA]);
  world = tenant();
  stands = [world.server(0), world.server(1)];
  for (const stand of stands) {
    stand.listen(0, '127.0.0.1');
    await once(stand, 'listening');
  }
  const lbPort = await freePort();
  base = `http://127.0.0.1:${lbPort}`;
  idp.serve(base);
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-kill-'));
  replicas = await Promise.all(stands.map((stand, i) => startOrgdesk({
    args: [
      '--config', writeConfig(dir, `replica${i}.toml`, { management: `http://127.0.0.1:${stand.address().port}`, issuer: idp.issuer }),
      '--public-url', base,
      '--database-url', databaseUrl,
    ],
    env: {
      ORGDESK_AUTH0_CLIENT_SECRET: 'm2m-secret-for-tests',
      ORGDESK_LOGIN_CLIENT_SECRET: 'login-secret-for-tests',
    },
  })));
  nginx = await startNginx(lbPort, replicas.map((r) => r.url.replace('http://', '')));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  for (const replica of replicas ?? []) await replica.stop();
  for (const stand of stands ?? []) stand.close();
  idp?.close();
});

test('kill -9 of one replica in the middle of a bulk invitation: the other carries on, and the lost row says its outcome is unknown', async () => {
  const page = await newPage(browser);
  page.expect404 = true; // the provider's pages have no icon
  await page.goto(`${base}/orgs/${ORG.id}/invitations`);
  await signInAtProvider(page, idp.issuer, ADA);
  await page.waitForURL(`${base}/orgs/${ORG.id}/invitations`);
  await page.click('[data-testid="bulk-open"]');
  const csv = ['email,roles', ...Array.from({ length: ROWS }, (_, i) => `row${i}@example.com,viewer`)].join('\n');
  await page.fill('[data-testid="csv"]', csv);
  await page.locator('[data-testid="bulk-summary"]', { hasText: `${ROWS} to invite · 0 with problems` }).waitFor();
  await page.click('[data-testid="bulk-start"]');

  // The held row reached Auth0 through one replica: that replica dies before it answers.
  const victim = await world.heldAt;
  process.kill(replicas[victim].pid, 'SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, 200));
  world.release();

  await page.locator('[data-testid="bulk-done"]', { hasText: `Finished: ${ROWS - 1} invited, 0 failed, 0 skipped. 1 has an unknown outcome` }).waitFor({ timeout: 60_000 });
  const lost = page.locator('tr[data-line]', { hasText: HELD });
  assert.match(await lost.getAttribute('class'), /od-bulk--unknown/);
  assert.match(await lost.textContent(), /Outcome unknown/);
  // It was not sent again, and Auth0 holds every invitation once.
  const emails = world.invitations.map((i) => i.invitee.email).sort();
  assert.deepEqual(emails, Array.from({ length: ROWS }, (_, i) => `row${i}@example.com`).sort());

  // The surviving replica serves on; the audit log has each completed invitation exactly once.
  const audit = await (await page.request.get(`${base}/api/audit?action=invitations.create`)).json();
  const audited = audit.items.filter((e) => e.action === 'invitations.create')
    .map((e) => JSON.stringify(e.changes).match(/row\d+@example\.com/)?.[0]);
  const completed = emails.filter((e) => e !== HELD).sort();
  assert.deepEqual([...audited].sort(), completed, 'each completed invitation audited once, none twice');
  assert.ok(replicas[1 - victim].logs.join('').includes('path=/api/orgs/'), 'the survivor answered');
});
