// The split build: screens load from their own chunks, are prefetched once the first screen is
// up, a chunk that fails is said so with Retry while the rest keeps working, and after a deploy
// the old page asks for a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useDemo, newPage, signIn, axeViolations } from './harness.mjs';

const AI_ORG = 'org_aiOrg7Qm2Xk4Lp9';
const demo = useDemo();

const panics = (page) => page.problems.filter((p) => p.startsWith('page error'));

test('once the org list is up, every other screen is prefetched, and opening one fetches nothing more', async () => {
  const page = await newPage(demo.browser);
  const chunks = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (/^(split|chunk)_.*\.wasm$/.test(name)) chunks.push(name);
  });
  await signIn(page, demo.server.url, 'platform-admin');
  await page.locator('tr[data-org]').first().waitFor();
  await page.locator('html[data-prefetched]').waitFor({ state: 'attached' });
  const splits = new Set(chunks.filter((n) => n.startsWith('split_')));
  for (const screen of ['org_page', 'overview', 'branding', 'access', 'members', 'invitations', 'connections', 'domains', 'users', 'user_detail', 'roles', 'settings', 'audit', 'import']) {
    assert.ok(splits.has(`split_${screen}_chunk.wasm`), `${screen} was prefetched (${[...splits].join(', ')})`);
  }
  const before = chunks.length;
  await page.click(`tr[data-org="ai-organization"]`);
  await page.locator('h1', { hasText: 'AI Organization' }).waitFor();
  await page.click('a.od-tabs__tab:has-text("Branding")');
  await page.locator('#primary-color').waitFor();
  assert.equal(chunks.length, before, 'nothing more to fetch');
  assert.deepEqual(page.problems, []);
});

test('the first screen asks for its first page once, ahead of the app, and no chunk before its rows', async () => {
  const page = await newPage(demo.browser);
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('tr[data-org]')) return;
      window.firstRow = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await signIn(page, demo.server.url, 'platform-admin', '/orgs');
  await page.locator('html[data-prefetched]').waitFor({ state: 'attached' });
  const { firstRow, entries } = await page.evaluate(() => ({
    firstRow: window.firstRow,
    entries: performance.getEntriesByType('resource').map((e) => {
      const url = new URL(e.name);
      return { name: url.pathname + url.search, start: e.startTime, initiator: e.initiatorType };
    }),
  }));
  const lists = entries.filter((e) => e.name.startsWith('/api/orgs?'));
  assert.equal(lists.length, 1, `one request for the list: ${JSON.stringify(lists)}`);
  assert.equal(lists[0].initiator, 'link', 'the page asked for it before the app started');
  const chunks = entries.filter((e) => /\/(split|chunk)_[^/]*\.wasm$/.test(e.name));
  assert.ok(chunks.length > 10, `the other screens were prefetched (${chunks.length} chunks)`);
  for (const chunk of chunks) assert.ok(chunk.start > firstRow, `${chunk.name} at ${chunk.start} ms, rows at ${firstRow} ms`);
  assert.deepEqual(page.problems, []);
});

test('a slow organization list does not hold the shell back: the sidebar is usable, the rows follow', async () => {
  const page = await newPage(demo.browser);
  await page.route(/\/api\/orgs\?page=0&per_page=20&$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await signIn(page, demo.server.url, 'platform-admin', '/orgs');
  await page.locator('nav.od-nav a', { hasText: 'Users' }).waitFor();
  assert.equal(await page.locator('tr[data-org]').count(), 0, 'the shell is drawn before the slow list');
  assert.ok(await page.locator('.od-skeleton[aria-busy="true"]').isVisible(), 'the list shows its skeleton meanwhile');
  await page.locator('tr[data-org]').first().waitFor();
  assert.deepEqual(page.problems, []);
});

test('switching tabs keeps the organization page: same header, no new request for the org', async () => {
  const page = await newPage(demo.browser);
  await signIn(page, demo.server.url, 'org-admin');
  await page.locator('h1', { hasText: 'AI Organization' }).waitFor();
  await page.evaluate(() => { document.querySelector('.od-org-header').dataset.mark = 'kept'; });
  const orgReads = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === `/api/orgs/${AI_ORG}`) orgReads.push(request.method());
  });
  for (const tab of ['Members', 'Branding', 'Access', 'Overview']) {
    await page.click(`a.od-tabs__tab:has-text("${tab}")`);
    await page.locator('a.od-tabs__tab--current', { hasText: tab }).waitFor();
    assert.equal(await page.evaluate(() => document.querySelector('.od-org-header')?.dataset.mark), 'kept', `after ${tab}`);
  }
  assert.deepEqual(orgReads, []);
  assert.deepEqual(page.problems, []);
});

test('a screen whose chunk fails says so with Retry, the rest keeps working, and Retry loads it', async () => {
  const page = await newPage(demo.browser);
  let failing = true;
  let refused = 0;
  await page.route('**/split_audit_chunk.wasm', (route) => {
    if (failing) {
      refused += 1;
      return route.fulfill({ status: 500, body: 'down' });
    }
    return route.continue();
  });
  await signIn(page, demo.server.url, 'platform-admin');
  await page.locator('tr[data-org]').first().waitFor();
  await page.click('.od-nav a:has-text("Audit")');
  const error = page.locator('[data-testid="chunk-error"]');
  await error.waitFor();
  assert.match(await error.textContent(), /This screen could not be loaded/);
  assert.ok(refused >= 1);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    assert.deepEqual(await axeViolations(page), [], scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // The rest of the app works meanwhile.
  await page.click('.od-nav a:has-text("Organizations")');
  await page.locator('tr[data-org]').first().waitFor();
  await page.click('.od-nav a:has-text("Audit")');
  await error.waitFor();

  failing = false;
  await error.getByRole('button', { name: 'Retry' }).click();
  await page.locator('article.od-audit__entry, .od-empty').first().waitFor();
  assert.equal(await error.count(), 0);
  assert.deepEqual(panics(page), []);
});

test('after a deploy replaced the files, the old page asks for a reload instead of breaking', async () => {
  const page = await newPage(demo.browser);
  page.expect404 = true;
  // The new version is another build folder; the old one's files are gone. The page itself
  // still came from the old build; what the app asks for later sees the new one.
  await page.route('**/split_settings_chunk.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.route((url) => url.pathname === '/', async (route) => {
    if (route.request().resourceType() === 'document') return route.continue();
    const response = await route.fetch();
    const html = (await response.text()).replaceAll(/\/app-[0-9a-f]{16}\//g, '/app-ffffffffffffffff/');
    await route.fulfill({ response, body: html });
  });
  await signIn(page, demo.server.url, 'platform-admin');
  await page.locator('tr[data-org]').first().waitFor();
  await page.click('.od-nav a:has-text("Settings")');
  const error = page.locator('[data-testid="chunk-error"]');
  await error.waitFor();
  await error.locator('h2', { hasText: 'orgdesk was updated' }).waitFor();
  assert.equal(await error.getByRole('button', { name: 'Reload' }).count(), 1);
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(panics(page), []);
});
