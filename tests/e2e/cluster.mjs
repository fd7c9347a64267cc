// What the replica tests share: a database on the test cluster, an OpenID Connect provider on
// loopback, free ports, and nginx balancing over orgdesk replicas.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import Provider from 'oidc-provider';

const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** A new, empty database on the cluster `cargo xtask test` started; its URL. */
export function createDatabase(prefix) {
  const cluster = process.env.ORGDESK_TEST_DATABASE_URL;
  assert.ok(cluster, 'ORGDESK_TEST_DATABASE_URL names the PostgreSQL cluster (cargo xtask test starts one)');
  const database = `${prefix}_${process.pid}_${Date.now()}`;
  const created = spawnSync('psql', [cluster, '-q', '-c', `CREATE DATABASE ${database}`], { encoding: 'utf8' });
  assert.equal(created.status, 0, created.stderr);
  return cluster.replace(/\/[^/]*$/, `/${database}`);
}

export async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * An OpenID Connect provider on loopback for orgdesk's sign-in at `base`, knowing `people`
 * (by `sub`). Listens first, so that its address is known before orgdesk starts.
 */
export async function startProvider(people) {
  let handler = (req, res) => { res.writeHead(503); res.end(); };
  const server = createServer((req, res) => handler(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return {
    issuer,
    /** Registers orgdesk at `base` as the provider's client. */
    serve(base) {
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
          const person = people.find((p) => p.sub === id);
          if (!person) return undefined;
          return { accountId: id, async claims() { return { ...person }; } };
        },
      });
      handler = provider.callback();
    },
    close() { server.close(); },
  };
}

/** Signs `person` in at the provider's pages (the browser is already there or on its way). */
export async function signInAtProvider(page, issuer, person) {
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.fill('input[name="login"]', person.sub);
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.locator('button', { hasText: 'Continue' }).click();
}

/** orgdesk's configuration for real mode against `management` and the provider at `issuer`. */
export function writeConfig(dir, name, { management, issuer, extra = [] }) {
  const path = join(dir, name);
  writeFileSync(path, [
    'trusted_proxies = ["127.0.0.1"]',
    ...extra,
    '[auth0]',
    'domain = "tenant.example.com"',
    'app_client_id = "ai-app"',
    'app_redirect_uri = "https://ai.example.com/callback"',
    'client_id = "m2m"',
    `management_url = "${management}"`,
    'login_client_id = "orgdesk-login"',
    `issuer = "${issuer}"`,
    '',
  ].join('\n'));
  return path;
}

/**
 * The load balancer, as README "Running in production" shows it: round robin over `replicas`
 * (host:port). `pinned` maps exact paths to one replica each, for tests that must know which
 * replica answers.
 */
export async function startNginx(port, replicas, pinned = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-lb-'));
  const proxied = `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;`;
  const pins = Object.entries(pinned)
    .map(([path, replica]) => `    location = ${path} {\n      proxy_pass http://${replica};${proxied}\n    }`)
    .join('\n');
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
${pins}
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

export const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};
