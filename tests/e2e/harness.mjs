// Starts the real orgdesk binary and Debian's Chromium for end-to-end tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

const BIN = process.env.ORGDESK_BIN ?? 'target/debug/orgdesk';
const DIST = process.env.ORGDESK_DIST ?? 'dist';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? 'docs';

/**
 * Runs `orgdesk` on a loopback port with a fresh data folder (or `dataDir`, prepared by the
 * caller) and the app from `assets`: `--demo` unless `args` say otherwise (real mode passes `--config` and its secrets in
 * `env`). The folder is removed when it stops.
 */
export async function startOrgdesk({ args = ['--demo'], env = {}, listen = '127.0.0.1:0', dataDir = mkdtempSync(join(tmpdir(), 'orgdesk-e2e-')), assets = DIST } = {}) {
  const child = spawn(BIN, [...args, '--listen', listen, '--data-dir', dataDir, '--assets', assets], {
    env: { ...process.env, NO_COLOR: '1', RUST_LOG: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`orgdesk did not start:\n${logs.join('')}`)), 15000);
    const onData = (chunk) => {
      const text = chunk.toString();
      logs.push(text);
      const match = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(logs.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`orgdesk exited with ${code}:\n${logs.join('')}`)));
  });
  return {
    url,
    logs,
    pid: child.pid,
    async stop() {
      // A replica a test killed has exited already.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dataDir, { recursive: true, force: true });
      const leaks = findLeaks(logs.join(''));
      if (leaks.length > 0) throw new Error(`orgdesk's log holds ${leaks.join(', ')}`);
    },
  };
}

/**
 * What must never appear in a log: session cookies, JWTs, authorization codes, secrets. Every
 * orgdesk started by the tests is checked when it stops.
 */
export function findLeaks(text) {
  const patterns = {
    'a session cookie': /orgdesk_session=[A-Za-z0-9_-]{16,}/,
    'a login cookie': /orgdesk_login=[A-Za-z0-9_-]{16,}/,
    'a JWT': /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
    'an authorization code': /[?&]code=[A-Za-z0-9_-]{8,}/,
    'a client secret': /client_secret|secret-for-tests/,
    'a CSRF token': /csrf_token"?\s*[:=]\s*"?[A-Za-z0-9_-]{16,}/,
  };
  return Object.entries(patterns).filter(([, re]) => re.test(text)).map(([what]) => what);
}

/** Headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * A new page that records console errors and CSP violations. Failed loads of the demo orgs'
 * logos (no internet here) are expected and ignored.
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() !== 'error') return;
    if (/ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION_REFUSED/.test(text)) return;
    if (/status of 401/.test(text)) return; // the app asks /api/me before sign-in
    if (/status of 404/.test(text) && page.expect404) return;
    if (/status of 409/.test(text) && page.expect409) return;
    if (/status of 400/.test(text) && page.expect400) return;
    page.problems.push(`console: ${text}`);
  });
  return page;
}

/** Signs in through the persona page as `persona`. */
export async function signIn(page, base, persona, path = '/') {
  await page.goto(base + path);
  await page.waitForURL(/\/auth\/login/);
  await page.click(`button[data-persona="${persona}"]`);
  await page.waitForURL((url) => !url.pathname.startsWith('/auth/'));
}

/**
 * One orgdesk and one browser for the tests of a file: started before the first, stopped after
 * the last. Use `demo.server.url` and `demo.browser` inside tests.
 */
export function useDemo() {
  const demo = {};
  before(async () => {
    demo.server = await startOrgdesk();
    demo.browser = await launchBrowser();
  });
  after(async () => {
    await demo.browser?.close();
    await demo.server?.stop();
  });
  return demo;
}

let axeSource;

/** axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line per element. */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axeSource);
  }
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`),
    );
  });
}
