// Two orgdesk replicas on one PostgreSQL behind nginx (round robin), in real mode: signed in
// through a real OpenID Connect provider, managing a Management API stand-in. What a person
// does through the balancer must not depend on which replica answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { startOrgdesk, launchBrowser, newPage, findLeaks } from './harness.mjs';

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const CLUSTER = process.env.ORGDESK_TEST_DATABASE_URL;
const ORG = { id: 'org_3hbVAMF8F3wVIcEJ', name: 'test-organization298', display_name: 'Test Organization' };
const ADA = { sub: 'auth0|ada0000000000000000001', email: 'ada@ai.example', name: 'Ada Admin' };
const SIGN_IN_LIMIT = 12;

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

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

async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The load balancer, as README "Running in production" shows it: round robin over the
 * replicas. For the test alone, a sign-in always starts on the first replica and its callback
 * always lands on the second, so that "the other replica finishes a sign-in" is shown every run.
 */
async function startNginx(port, replicas) {
  const proxied = `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;`;
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-lb-'));
  writeFileSync(join(dir, 'nginx.conf'), `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream orgdesk {
${replicas.map((r) => `    server ${r};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://orgdesk;${proxied}
    }
    location = /auth/login {
      proxy_pass http://${replicas[0]};${proxied}
    }
    location = /auth/callback {
      proxy_pass http://${replicas[1]};${proxied}
    }
  }
}
`);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'inherit' });
  for (let i = 0; i < 100; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    async stop() { child.kill('SIGQUIT'); await once(child, 'exit'); rmSync(dir, { recursive: true, force: true }); },
  };
}

let idp;
let mgmt;
let replicas;
let nginx;
let browser;
let issuer;
let base;

before(async () => {
  assert.ok(CLUSTER, 'ORGDESK_TEST_DATABASE_URL names the PostgreSQL cluster (cargo xtask test starts one)');
  const database = `orgdesk_e2e_${process.pid}_${Date.now()}`;
  const created = spawnSync('psql', [CLUSTER, '-q', '-c', `CREATE DATABASE ${database}`], { encoding: 'utf8' });
  assert.equal(created.status, 0, created.stderr);
  const databaseUrl = CLUSTER.replace(/\/[^/]*$/, `/${database}`);

  let handler = (req, res) => { res.writeHead(503); res.end(); };
  idp = createServer((req, res) => handler(req, res));
  idp.listen(0, '127.0.0.1');
  await once(idp, 'listening');
  issuer = `http://127.0.0.1:${idp.address().port}`;
  mgmt = managementApi();
  mgmt.listen(0, '127.0.0.1');
  await once(mgmt, 'listening');

  const lbPort = await freePort();
  base = `http://127.0.0.1:${lbPort}`;
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-replicas-'));
  const config = join(dir, 'orgdesk.toml');
  writeFileSync(config, [
    'trusted_proxies = ["127.0.0.1"]',
    '[limits]',
    `sign_in_per_minute = ${SIGN_IN_LIMIT}`,
    '[auth0]',
    'domain = "tenant.example.com"',
    'app_client_id = "ai-app"',
    'app_redirect_uri = "https://ai.example.com/callback"',
    'client_id = "m2m"',
    `management_url = "http://127.0.0.1:${mgmt.address().port}"`,
    'login_client_id = "orgdesk-login"',
    `issuer = "${issuer}"`,
    '',
  ].join('\n'));

  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'orgdesk-login',
      client_secret: 'login-secret-for-tests',
      redirect_uris: [`${base}/auth/callback`],
      post_logout_redirect_uris: [`${base}/auth/login`],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['e2e-cookie-key-not-a-secret'] },
    async findAccount(ctx, id) {
      if (id !== ADA.sub) return undefined;
      return { accountId: id, async claims() { return { ...ADA }; } };
    },
  });
  handler = provider.callback();

  const start = () => startOrgdesk({
    args: ['--config', config, '--public-url', base, '--database-url', databaseUrl],
    env: {
      ORGDESK_AUTH0_CLIENT_SECRET: 'm2m-secret-for-tests',
      ORGDESK_LOGIN_CLIENT_SECRET: 'login-secret-for-tests',
    },
  });
  // Started together: the migrations run once, under PostgreSQL's advisory lock.
  replicas = await Promise.all([start(), start()]);
  nginx = await startNginx(lbPort, replicas.map((r) => r.url.replace('http://', '')));
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
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.fill('input[name="login"]', ADA.sub);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.locator('button', { hasText: 'Continue' }).click();
  await page.waitForURL(`${base}/orgs`);
  await page.locator('text=Test Organization').first().waitFor();

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
