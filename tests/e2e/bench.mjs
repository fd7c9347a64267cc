// The browser's and the network's part of `cargo xtask bench` (run by it, not by `node --test`):
//
// - load: Chromium with a cold cache, navigation to the first organization row painted, against
//   a static HTML page of the same rows served by the same proxy;
// - big tenant: on the synthetic tenant, the time from the first member page's data arriving
//   to its rows painted, and the main-thread time each keystroke in the member search costs;
// - proxy overhead: orgdesk in real mode and nginx, both in front of the same loopback stand-in
//   for Auth0's Management API, under wrk with 64 connections;
// - upstream economy: the Management API calls a scripted admin session spends, step by step,
//   and the token requests 200 concurrent cold requests cause.
//
// Prints one JSON object on stdout. Everything it starts listens on 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import { startOrgdesk, launchBrowser } from './harness.mjs';

const SMOKE = process.env.BENCH_SMOKE === '1';
const DIST = process.env.ORGDESK_DIST ?? 'dist';
const BENCH_BIN = process.env.BENCH_BIN ?? 'target/server/orgdesk-bench';
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const WRK = process.env.WRK_BIN ?? '/usr/bin/wrk';
const TENANT_DIR = process.env.TENANT_DIR;
const BIG_ORG = process.env.BIG_ORG ?? 'org_synthetic00000000';
const RUNS = SMOKE ? 2 : 10;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (x, digits = 1) => Number(x.toFixed(digits));
const log = (line) => process.stderr.write(`    ${line}\n`);

/** Signs the platform admin in through the demo persona form; returns the cookie. */
async function demoCookie(base) {
  const res = await fetch(`${base}/auth/demo-login`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'persona=platform-admin',
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`demo sign-in answered ${res.status} without a cookie`);
  return cookie;
}

/** A browser context with the session cookie set and an empty cache. */
async function signedInContext(browser, base, cookie) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
  await context.addCookies([{ name, value, url: base }]);
  return context;
}

// Installed before any document script: records when the first element matching `selector` is
// in the DOM and when the frame showing it has been produced (a task after the next
// animation frame), in ms since navigation started.
const paintProbe = (selector) => `(() => {
  const bench = (window.__bench ??= {});
  const observer = new MutationObserver(() => {
    if (bench.inserted || !document.querySelector(${JSON.stringify(selector)})) return;
    bench.inserted = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { bench.painted = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/**
 * Navigates a fresh context (cold cache) to `path` and returns the ms until `selector` was
 * painted, and the bytes received on the wire until then (headers and compressed bodies of the
 * page and every response that ended before the paint).
 */
async function timeToPaint(browser, base, cookie, path, selector) {
  const context = await signedInContext(browser, base, cookie);
  try {
    const page = await context.newPage();
    await page.addInitScript(paintProbe(selector));
    await page.goto(base + path, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench?.painted, null, { timeout: 30000 });
    return await page.evaluate(() => {
      const painted = window.__bench.painted;
      const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
      const bytes = entries.filter((e) => e.responseEnd <= painted).reduce((sum, e) => sum + e.transferSize, 0);
      return { ms: painted, bytes };
    });
  } finally {
    await context.close();
  }
}

/**
 * From the organization list to an organization's branding studio, once the other screens have
 * been prefetched: the ms from the click to the studio painted, median of `RUNS`.
 */
async function listToStudio(browser, base, cookie, orgId) {
  const context = await signedInContext(browser, base, cookie);
  try {
    const page = await context.newPage();
    await page.goto(`${base}/orgs`);
    await page.locator('tr.od-table__row[data-org]').first().waitFor();
    await page.waitForLoadState('networkidle');
    const times = [];
    for (let i = 0; i < RUNS; i += 1) {
      const ms = await page.evaluate((href) => new Promise((resolve) => {
        const link = document.createElement('a');
        link.href = href;
        document.body.append(link);
        const started = performance.now();
        const observer = new MutationObserver(() => {
          if (!document.querySelector('[data-caption="Edited"] [data-testid="preview-button"]')) return;
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started), 0));
        });
        observer.observe(document, { childList: true, subtree: true });
        link.click();
        link.remove();
      }), `/orgs/${orgId}/branding`);
      times.push(ms);
      await page.evaluate(() => {
        const link = document.createElement('a');
        link.href = '/orgs';
        document.body.append(link);
        link.click();
        link.remove();
      });
      await page.locator('tr.od-table__row[data-org]').first().waitFor();
    }
    log(`list to studio: ${times.map((x) => round(x)).join(' ')} ms`);
    return { runs: RUNS, ms: round(median(times)) };
  } finally {
    await context.close();
  }
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The baseline: the same first page of organizations as plain HTML, with the app's stylesheet. */
function baselinePage(orgs, stylesheet) {
  const rows = orgs.map((org) => `<tr class="od-table__row" data-org="${escapeHtml(org.name)}">`
    + `<td><div class="od-org-cell"><div class="od-org-cell__text"><a class="od-org-cell__name" href="/orgs/${escapeHtml(org.id)}">${escapeHtml(org.display_name ?? org.name)}</a>`
    + `<span class="od-org-cell__slug">${escapeHtml(org.name)}</span></div></div></td>`
    + `<td>${escapeHtml(org.branding?.colors?.primary ?? '')}</td><td><code class="od-id">${escapeHtml(org.id)}</code></td></tr>`).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>orgdesk</title>`
    + `<link rel="stylesheet" href="/${stylesheet}"></head><body><main><h1>Organizations</h1>`
    + `<table class="od-table"><thead><tr><th>Organization</th><th>Primary colour</th><th>ID</th></tr></thead>`
    + `<tbody>${rows}</tbody></table></main></body></html>`;
}

/** Figure 2: the app's first organization row against the static page of the same rows. */
async function load(browser) {
  const assets = mkdtempSync(join(tmpdir(), 'orgdesk-bench-dist-'));
  cpSync(DIST, assets, { recursive: true });
  const server = await startOrgdesk({ assets });
  try {
    const cookie = await demoCookie(server.url);
    const res = await fetch(`${server.url}/api/orgs?page=0&per_page=20`, { headers: { cookie } });
    const { items } = await res.json();
    const stylesheet = readdirSync(assets).find((f) => /^main-.*\.css$/.test(f));
    const html = baselinePage(items, stylesheet);
    writeFileSync(join(assets, 'baseline.html'), html);
    writeFileSync(join(assets, 'baseline.html.br'), brotliCompressSync(html));
    const app = [];
    const wire = [];
    const baseline = [];
    for (let i = 0; i < RUNS; i += 1) {
      const run = await timeToPaint(browser, server.url, cookie, '/orgs', 'tr.od-table__row[data-org]');
      app.push(run.ms);
      wire.push(run.bytes);
      baseline.push((await timeToPaint(browser, server.url, cookie, '/baseline.html', 'tr.od-table__row[data-org]')).ms);
    }
    log(`load: app ${app.map((x) => round(x)).join(' ')} ms; static ${baseline.map((x) => round(x)).join(' ')} ms; wire ${wire.join(' ')} bytes`);
    const studio = await listToStudio(browser, server.url, cookie, items[0].id);
    return {
      runs: RUNS,
      rows: items.length,
      app_ms: round(median(app)),
      baseline_ms: round(median(baseline)),
      ratio: round(median(app) / median(baseline), 2),
      first_screen_wire_bytes: median(wire),
      list_to_studio_ms: studio.ms,
    };
  } finally {
    await server.stop();
    rmSync(assets, { recursive: true, force: true });
  }
}

// Records when the body of the first member page has been read, and the main-thread time of
// each keystroke: from the key event's creation to a task queued behind its handlers.
const memberProbe = `(() => {
  const bench = (window.__bench ??= {});
  bench.keys = [];
  const fetch = window.fetch;
  window.fetch = async (...args) => {
    const response = await fetch(...args);
    const url = String(args[0]?.url ?? args[0]);
    if (/\\/members(\\?|$)/.test(url)) {
      for (const method of ['json', 'text', 'arrayBuffer']) {
        const read = response[method].bind(response);
        response[method] = async () => {
          const body = await read();
          if (!bench.data) bench.data = performance.now();
          return body;
        };
      }
    }
    return response;
  };
  document.addEventListener('keydown', (event) => {
    const started = event.timeStamp;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => bench.keys.push(performance.now() - started);
    channel.port2.postMessage(0);
  }, true);
})();`;

/** Figure 3, in the browser: the member page of the synthetic tenant's biggest organization. */
async function bigTenant(browser) {
  if (!TENANT_DIR) return null;
  const server = await startOrgdesk({ dataDir: TENANT_DIR });
  try {
    const cookie = await demoCookie(server.url);
    const context = await signedInContext(browser, server.url, cookie);
    const render = [];
    let keys = [];
    for (let i = 0; i < RUNS; i += 1) {
      const page = await context.newPage();
      await page.addInitScript(memberProbe + paintProbe('.od-member'));
      await page.goto(`${server.url}/orgs/${BIG_ORG}/members`);
      await page.waitForFunction(() => window.__bench?.painted && window.__bench?.data, null, { timeout: 30000 });
      const { data, painted } = await page.evaluate(() => window.__bench);
      render.push(painted - data);
      if (i === 0) {
        await page.click('.od-search__input');
        await page.keyboard.type('person0123456789', { delay: 40 });
        await page.waitForFunction(() => window.__bench.keys.length >= 16);
        keys = await page.evaluate(() => window.__bench.keys);
      }
      await page.close();
    }
    await context.close();
    log(`big tenant: data to rows painted ${render.map((x) => round(x)).join(' ')} ms; keystrokes ${keys.map((x) => round(x)).join(' ')} ms`);
    return {
      runs: RUNS,
      member_page_after_data_ms: round(median(render)),
      keystrokes: keys.length,
      keystroke_median_ms: round(median(keys)),
      keystroke_max_ms: round(Math.max(...keys)),
    };
  } finally {
    await server.stop();
  }
}

/** Starts the Management API stand-in; resolves with its URL and a stop function. */
async function startUpstream(orgs, delayMs = 0) {
  const child = spawn(BENCH_BIN, ['upstream', '--orgs', String(orgs), '--delay-ms', String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`the upstream stand-in exited with ${code}`)));
  });
  return {
    url,
    async calls() { return (await fetch(`${url}/__bench/calls`)).json(); },
    async reset() { await fetch(`${url}/__bench/reset`, { method: 'POST' }); },
    async stop() { child.kill('SIGTERM'); await once(child, 'exit'); },
  };
}

/** orgdesk in real mode against `upstream`, with the platform admin signed in already. */
async function startRealMode(upstream) {
  const dataDir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-real-'));
  const cookie = execFileSync(BENCH_BIN, ['session', dataDir], { encoding: 'utf8' }).trim();
  const config = join(dataDir, 'orgdesk.toml');
  writeFileSync(config, [
    '[auth0]',
    'domain = "bench.example.com"',
    'client_id = "bench-m2m"',
    'app_client_id = "ai-app"',
    'app_redirect_uri = "https://ai.example.com/callback"',
    `management_url = "${upstream.url}"`,
    'login_client_id = "orgdesk-login"',
    `issuer = "${upstream.url}/"`,
    '',
  ].join('\n'));
  const server = await startOrgdesk({
    args: ['--config', config],
    dataDir,
    env: { ORGDESK_AUTH0_CLIENT_SECRET: 'bench-m2m-secret', ORGDESK_LOGIN_CLIENT_SECRET: 'bench-login-secret' },
  });
  return { ...server, cookie };
}

const freePort = async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
};

async function waitForPort(port) {
  for (let i = 0; i < 100; i += 1) {
    const ok = await new Promise((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** nginx reverse-proxying to `upstream` with the token added, as a thin proxy would. */
async function startNginx(upstream) {
  const dir = mkdtempSync(join(tmpdir(), 'orgdesk-bench-nginx-'));
  const port = await freePort();
  const up = new URL(upstream.url);
  writeFileSync(join(dir, 'nginx.conf'), `
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes auto;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream auth0 { server ${up.host}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://auth0;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "Bearer bench-m2m-token";
    }
  }
}
`);
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'inherit' });
  await waitForPort(port);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() { child.kill('SIGQUIT'); await once(child, 'exit'); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Peak resident memory of a process and its children, in KB. */
function peakKb(pid) {
  const hwm = (p) => {
    try {
      return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch { return 0; }
  };
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch { /* no children */ }
  return hwm(pid) + children.reduce((sum, child) => sum + hwm(child), 0);
}

/**
 * One wrk run: requests per second and p99 latency in ms. Asynchronous, so that this process
 * keeps reading orgdesk's log while wrk runs (a full pipe would stall orgdesk).
 */
async function wrk(url, headers, seconds) {
  const args = ['-t2', '-c64', `-d${seconds}s`, '--latency'];
  for (const header of headers) args.push('-H', header);
  const child = spawn(WRK, [...args, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`wrk exited with ${code}:\n${out}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = /99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (!rps || !p99) throw new Error(`cannot read wrk's output:\n${out}`);
  if (non2xx > 0) throw new Error(`${non2xx} answers were not 2xx:\n${out}`);
  const scale = { us: 0.001, ms: 1, s: 1000 }[p99[2]];
  return { rps, p99_ms: Number(p99[1]) * scale };
}

/** Figure 4: orgdesk against nginx, the same upstream, the same load. */
async function overhead(upstream, rounds = SMOKE ? 1 : 3) {
  const orgdesk = await startRealMode(upstream);
  const nginx = await startNginx(upstream);
  const seconds = SMOKE ? 1 : 10;
  const targets = {
    orgdesk: (secs) => wrk(`${orgdesk.url}/api/orgs?page=0&per_page=20`, [`Cookie: ${orgdesk.cookie}`], secs),
    nginx: (secs) => wrk(`${nginx.url}/api/v2/organizations?page=0&per_page=20&include_totals=true`, [], secs),
  };
  try {
    const runs = { orgdesk: [], nginx: [] };
    // A short warm-up each (connection pools, caches), then alternating rounds.
    for (const run of Object.values(targets)) await run(1);
    for (let i = 0; i < rounds; i += 1) {
      for (const [name, run] of Object.entries(targets)) runs[name].push(await run(seconds));
    }
    const summary = (list) => ({ rps: round(median(list.map((r) => r.rps)), 0), p99_ms: round(median(list.map((r) => r.p99_ms)), 2) });
    const o = summary(runs.orgdesk);
    const n = summary(runs.nginx);
    log(`overhead (upstream ${upstream.url}): orgdesk ${JSON.stringify(runs.orgdesk)}; nginx ${JSON.stringify(runs.nginx)}`);
    return {
      connections: 64,
      seconds,
      rounds,
      orgdesk: { ...o, peak_memory_kb: peakKb(orgdesk.pid) },
      nginx: { ...n, peak_memory_kb: peakKb(nginx.pid) },
      throughput_ratio: round(o.rps / n.rps, 2),
      p99_ratio: round(o.p99_ms / n.p99_ms, 2),
    };
  } finally {
    await nginx.stop();
    await orgdesk.stop();
  }
}

/** Figure 5: Management API calls per step of an admin session, and token requests. */
async function economy(browser, upstream) {
  const orgdesk = await startRealMode(upstream);
  try {
    await upstream.reset();
    const burst = await Promise.all(Array.from({ length: 200 }, () => fetch(`${orgdesk.url}/api/orgs?page=0&per_page=20`, { headers: { cookie: orgdesk.cookie } })));
    const failed = burst.filter((r) => !r.ok).length;
    if (failed) throw new Error(`${failed} of 200 concurrent requests failed`);
    const coldToken = (await upstream.calls()).token;

    const context = await signedInContext(browser, orgdesk.url, orgdesk.cookie);
    const page = await context.newPage();
    const steps = [];
    const step = async (name, action) => {
      await upstream.reset();
      await action();
      await page.waitForLoadState('networkidle');
      const { api, calls } = await upstream.calls();
      // orgdesk asks Auth0 again, at most once a minute per session, whether the person still
      // holds their role before a change: counted apart from what the step itself spends.
      const roleChecks = calls['GET /api/v2/users/{id}/roles'] ?? 0;
      steps.push({ step: name, calls: api - roleChecks, role_checks: roleChecks, detail: calls });
    };
    await step('open the org list', async () => {
      await page.goto(`${orgdesk.url}/orgs`);
      await page.locator('tr.od-table__row[data-org]').first().waitFor();
    });
    await step('open an org', async () => {
      await page.locator('tr.od-table__row[data-org] a.od-org-cell__name').first().click();
      await page.locator('a.od-tabs__tab:has-text("Members")').waitFor();
    });
    await step('members tab', async () => {
      await page.click('a.od-tabs__tab:has-text("Members")');
      await page.locator('.od-member').first().waitFor();
    });
    await step('edit branding', async () => {
      await page.click('a.od-tabs__tab:has-text("Branding")');
      await page.locator('#primary-color').waitFor();
      await page.fill('#primary-color', '#5B21B6');
    });
    await step('save branding', async () => {
      await page.click('[data-testid="save"]');
      await page.click('[data-testid="confirm"]');
      await page.locator('.od-toast', { hasText: 'Saved' }).waitFor();
    });
    await context.close();
    log(`economy: ${steps.map((s) => `${s.step} ${s.calls} ${JSON.stringify(s.detail)}`).join('; ')}`);
    return { cold_requests: 200, token_requests: coldToken, steps };
  } finally {
    await orgdesk.stop();
  }
}

const browser = await launchBrowser();
const upstream = await startUpstream(SMOKE ? 60 : 1000);
try {
  const report = {};
  report.load = await load(browser);
  report.big_tenant = await bigTenant(browser);
  report.economy = await economy(browser, upstream);
  report.overhead = await overhead(upstream);
  // The same with an upstream that answers in 20 ms, nearer to Auth0's own answers.
  const slow = await startUpstream(SMOKE ? 60 : 1000, 20);
  try {
    report.overhead_20ms_upstream = await overhead(slow, 1);
  } finally {
    await slow.stop();
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await browser.close();
  await upstream.stop();
}
