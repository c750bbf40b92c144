import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureChromium } from './helpers/chromium';
import { ROOT, startPlatform, type Platform } from './helpers/platform';
import { randomName } from './helpers/random';
import { sleep, StopWaiting, waitUntil } from './helpers/waiting';

// The demo page (demo/) in real headless Chromium against the platform with two gateways: Alice's
// page comes from gateway 1, Bob's from gateway 2, and everything happens through the page's UI.

const DEMO_DIR = join(ROOT, 'demo');
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
/** Small history pages, so that catching up after a reload has to page back. */
const PAGE_SIZE = 4;
/** Generous: the machine may be busy; every wait says what it waited for. */
const WAIT_MS = 90_000;
const TEST_TIMEOUT_MS = 6 * 60_000;
/** The only console errors allowed, and only while a gateway is down: the browser's own report of a refused WebSocket. */
const GATEWAY_DOWN_NOISE = /^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/v1\?access_token=[^']*' failed/;

interface DemoPage {
  page: Page;
  userId: string;
  problems: { phase: string; text: string }[];
}

interface Shown {
  seq: number;
  author: string;
  body: string;
}

let platform: Platform;
let browser: Browser;
let phase = 'start';
let alice: DemoPage;
let bob: DemoPage;
/** The 1:1 conversation as both pages must show it. */
const expected: { author: string; body: string }[] = [];

before(
  async () => {
    const executablePath = ensureChromium();
    const copied = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], { encoding: 'utf8' });
    assert.equal(copied.status, 0, `scripts/demo.mjs failed: ${copied.stderr}`);
    platform = await startPlatform({ gateways: 2, env: { NODE_ENV: 'test', GATEWAY_STATIC_DIR: DEMO_DIR, GATEWAY_DEV_TOKENS: '1' } });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  },
  { timeout: 20 * 60_000 },
);

after(async () => {
  await browser?.close();
  await platform?.stop();
});

const pageUrl = (gateway: number) => `http://127.0.0.1:${platform.services.get(`gateway${gateway}`)!.httpPort}/`;

async function openDemo(gateway: 1 | 2, userId: string, gateways: (1 | 2)[]): Promise<DemoPage> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const demo: DemoPage = { page, userId, problems: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') demo.problems.push({ phase, text: message.text() });
  });
  page.on('pageerror', (err) => demo.problems.push({ phase, text: `uncaught: ${err.message}` }));
  const query = new URLSearchParams({ gateways: gateways.map((g) => platform.gatewayUrls[g - 1]!).join(','), pageSize: String(PAGE_SIZE) });
  await page.goto(`${pageUrl(gateway)}?${query}`, { timeout: WAIT_MS });
  await page.getByLabel('Your name').fill(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await connected(demo);
  return demo;
}

async function connected(demo: DemoPage): Promise<void> {
  await waitUntil(`${demo.userId}'s page says it is connected`, WAIT_MS, async () => (await demo.page.locator('#connection').getAttribute('data-state')) === 'connected');
}

function assertNoConsoleErrors(demo: DemoPage): void {
  const problems = demo.problems.filter((p) => !(p.phase === 'gateway down' && GATEWAY_DOWN_NOISE.test(p.text)));
  assert.deepEqual(problems, [], `${demo.userId}'s page logged errors`);
}

/** The confirmed messages on show (pending sends excluded), top to bottom. */
function shownMessages(demo: DemoPage): Promise<Shown[]> {
  return demo.page.locator('#messages li.message:not(.pending)').evaluateAll((items: any[]) =>
    items.map((li) => ({ seq: Number(li.dataset.seq), author: String(li.dataset.author), body: String(li.querySelector('.body')?.textContent) })),
  );
}

/** Types a message and sends it with Enter; returns once the platform acknowledged it and it sits in the timeline. */
async function says(demo: DemoPage, body: string): Promise<void> {
  const input = demo.page.getByLabel('Message', { exact: true });
  await input.fill(body);
  await input.press('Enter');
  await waitUntil(`${demo.userId}'s message "${body}" is acknowledged and shown`, WAIT_MS, async () => {
    const failed = await demo.page.locator('#messages li.failed').allTextContents();
    if (failed.length > 0) throw new StopWaiting(`${demo.userId}'s send failed: ${failed.join(' | ')}`);
    return (await demo.page.locator('#messages li.pending').count()) === 0 && (await shownMessages(demo)).some((m) => m.body === body);
  });
  expected.push({ author: demo.userId, body });
}

/** Waits until the page shows at least the expected messages, then checks it shows exactly them, once each, in order. */
async function showsConversation(demo: DemoPage): Promise<void> {
  const last = expected[expected.length - 1]!;
  await waitUntil(`${demo.userId}'s page shows all ${expected.length} messages up to "${last.body}"`, WAIT_MS, async () => {
    const shown = await shownMessages(demo);
    return shown.length >= expected.length && shown[shown.length - 1]?.body === last.body;
  });
  assertExactly(demo, await shownMessages(demo));
}

function assertExactly(demo: DemoPage, shown: Shown[]): void {
  assert.deepEqual(
    shown.map(({ author, body }) => ({ author, body })),
    expected,
    `${demo.userId}'s page shows each message once, in order`,
  );
  for (let i = 1; i < shown.length; i++) assert.ok(shown[i]!.seq > shown[i - 1]!.seq, `${demo.userId}'s page: rows in seq order (${shown.map((s) => s.seq).join(',')})`);
}

test('the page loads the SDK browser bundle as a JavaScript module, signs in with a dev token, and logs no errors', { timeout: TEST_TIMEOUT_MS }, async () => {
  phase = 'load';
  const bundle = await fetch(`${pageUrl(1)}switchboard-client.mjs`);
  assert.equal(bundle.status, 200);
  assert.match(bundle.headers.get('content-type') ?? '', /^text\/javascript/);
  const withoutUser = await fetch(`${pageUrl(1)}dev/token`);
  assert.equal(withoutUser.status, 400);

  alice = await openDemo(1, randomName('alice-'), [1, 2]);
  bob = await openDemo(2, randomName('bob-'), [2, 1]);
  const exported = (await alice.page.evaluate(
    "import(new URL('switchboard-client.mjs', location.href).href).then((sdk) => Object.keys(sdk).sort())",
  )) as string[];
  for (const name of ['createClient', 'localStorageCursorStore', 'SwitchboardError']) assert.ok(exported.includes(name), `the bundle exports ${name}: ${exported.join(', ')}`);
  assert.equal(await alice.page.locator('#whoami-name').textContent(), alice.userId);
  assertNoConsoleErrors(alice);
  assertNoConsoleErrors(bob);
});

test('Alice (gateway 1) and Bob (gateway 2) chat both ways through the UI, with typing and read receipts', { timeout: TEST_TIMEOUT_MS }, async () => {
  phase = 'chat';
  await alice.page.getByLabel('Chat with').fill(bob.userId);
  await alice.page.getByRole('button', { name: 'Open chat' }).click();
  await says(alice, 'Hi Bob, this is Alice');

  const fromAlice = bob.page.locator('#conversation-list button', { hasText: alice.userId });
  await fromAlice.waitFor({ timeout: WAIT_MS });
  await fromAlice.click();
  await bob.page.getByLabel('Message', { exact: true }).fill('Hi Al');
  await waitUntil(`Alice's page shows that ${bob.userId} is typing`, WAIT_MS, async () =>
    ((await alice.page.locator('#typing').textContent()) ?? '').includes(`${bob.userId} is typing`),
  );
  await says(bob, 'Hi Alice! Bob here');
  await says(alice, 'How is gateway 2 treating you?');
  await says(bob, 'Fine, and gateway 1?');
  await says(alice, 'Fine too');
  await showsConversation(alice);
  await showsConversation(bob);
  for (const [viewer, peer] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    const dot = viewer.page.locator(`#conversation-list .dot[data-user-id="${peer.userId}"]`);
    await waitUntil(`${viewer.userId}'s page shows a green dot: ${peer.userId} is online`, WAIT_MS, async () => (await dot.getAttribute('class')) === 'dot online');
    assert.match((await dot.getAttribute('title')) ?? '', /^online \(\d+ sessions?\)$/);
  }

  // Bob has the conversation open, so Alice's messages get read; and Bob's by Alice.
  for (const [reader, writer] of [
    [bob, alice],
    [alice, bob],
  ] as const) {
    await waitUntil(`${writer.userId}'s page shows its last message as read by ${reader.userId}`, WAIT_MS, async () =>
      (await writer.page.locator('#messages li.mine .receipt').last().textContent()) === 'Read',
    );
  }
  assertNoConsoleErrors(alice);
  assertNoConsoleErrors(bob);
});

test("Bob's page reloads mid-conversation: what was sent meanwhile shows once, in order, and paging back brings the rest", { timeout: TEST_TIMEOUT_MS }, async () => {
  phase = 'reload';
  // The new page's script waits until Alice has sent, so those messages are sent while Bob's page is reloading.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  await bob.page.route('**/app.js', async (route) => {
    await gate;
    await route.continue();
  });
  await bob.page.reload({ waitUntil: 'commit', timeout: WAIT_MS });
  await says(alice, 'Sent while you were reloading, 1');
  await says(alice, 'Sent while you were reloading, 2');
  await says(alice, 'Sent while you were reloading, 3');
  release();
  await bob.page.waitForLoadState('load', { timeout: WAIT_MS });
  await bob.page.unroute('**/app.js');
  await connected(bob);

  // Bob's page signed in again by itself and reopened the conversation: the newest page of history
  // and the missed events, each once.
  const newest = expected.slice(-3);
  await waitUntil(`Bob's reloaded page shows the ${newest.length} messages sent while it reloaded`, WAIT_MS, async () => {
    const shown = await shownMessages(bob);
    return newest.every((m) => shown.some((s) => s.body === m.body));
  });
  const caughtUp = await shownMessages(bob);
  assert.deepEqual(
    caughtUp.slice(-3).map(({ author, body }) => ({ author, body })),
    newest,
    'the missed messages come last, in order',
  );
  assert.equal(new Set(caughtUp.map((m) => m.seq)).size, caughtUp.length, `no message shows twice: ${caughtUp.map((m) => m.seq).join(',')}`);
  assert.ok(caughtUp.length < expected.length, 'only the newest history page is loaded at first');

  await waitUntil("Bob pages back to the beginning of the conversation with 'Load older messages'", WAIT_MS, async () => {
    if (await bob.page.locator('#history-start').isVisible()) return true;
    const older = bob.page.locator('#load-older');
    if (await older.isVisible()) await older.click();
    await sleep(200);
    return false;
  });
  assertExactly(bob, await shownMessages(bob));
  await showsConversation(alice);
  assertNoConsoleErrors(alice);
  assertNoConsoleErrors(bob);
});

test("gateway 2 dies mid-conversation: Bob's page moves to gateway 1, nothing is lost or repeated; screenshot", { timeout: TEST_TIMEOUT_MS }, async () => {
  phase = 'gateway down';
  await platform.kill('gateway2', 'SIGKILL');
  await says(alice, 'Gateway 2 just died, 1');
  await says(alice, 'Gateway 2 just died, 2');
  await says(bob, 'Still here, through gateway 1');
  await connected(bob);
  phase = 'gateway back';
  await platform.start('gateway2');
  await says(alice, 'Gateway 2 is back');
  await showsConversation(bob);
  await showsConversation(alice);

  mkdirSync(ARTIFACTS, { recursive: true });
  const screenshot = join(ARTIFACTS, 'browser-chat.png');
  await bob.page.screenshot({ path: screenshot, fullPage: true });
  await alice.page.screenshot({ path: join(ARTIFACTS, 'browser-chat-alice.png'), fullPage: true });
  assert.ok(statSync(screenshot).size > 1_000, 'the screenshot was written');
  assertNoConsoleErrors(alice);
  assertNoConsoleErrors(bob);
});

test('a group through the UI: created with Bob, a member added and removed, both chat; both pages show one timeline', { timeout: TEST_TIMEOUT_MS }, async () => {
  phase = 'group';
  const carol = randomName('carol-');
  await alice.page.getByLabel('New group').fill('Launch team');
  await alice.page.getByLabel('Members, separated by commas').fill(bob.userId);
  await alice.page.getByRole('button', { name: 'Create group' }).click();
  await waitUntil("Alice's page opens the new group", WAIT_MS, async () => (await alice.page.locator('#conversation-title').textContent()) === 'Launch team');
  expected.length = 0;
  await says(alice, 'Welcome to the launch team');

  const group = bob.page.locator('#conversation-list button', { hasText: 'Launch team' });
  await group.waitFor({ timeout: WAIT_MS });
  await group.click();
  await says(bob, 'Glad to be here');
  await alice.page.getByLabel('Add a member').fill(carol);
  await alice.page.getByRole('button', { name: 'Add', exact: true }).click();
  await alice.page.getByRole('button', { name: `Remove ${carol}` }).click({ timeout: WAIT_MS });
  await says(alice, 'Carol will join later');

  const timeline = (demo: DemoPage) =>
    demo.page.locator('#messages li:not(.pending)').evaluateAll((items: any[]) => items.map((li) => `${li.dataset.seq} ${li.textContent.replace(/\s+\d\d:\d\d.*$/, '')}`));
  const members = (demo: DemoPage) => demo.page.locator('#member-list li').evaluateAll((items: any[]) => items.map((li) => li.firstChild.textContent));
  await waitUntil(`Bob's page shows that ${carol} was removed, and the last message`, WAIT_MS, async () => {
    const rows = await timeline(bob);
    return rows.some((r) => r.includes(`removed ${carol}`)) && rows.some((r) => r.includes('Carol will join later'));
  });
  const bobRows = await timeline(bob);
  assert.deepEqual(
    bobRows.map((r) => Number(r.split(' ')[0])),
    [1, 2, 3, 4, 5, 6],
    `Bob's page shows the group's six events once each, in order: ${bobRows.join(' | ')}`,
  );
  assert.match(bobRows[0]!, new RegExp(`created “Launch team” with you`));
  assert.match(bobRows[3]!, new RegExp(`${alice.userId} added ${carol}`));
  assert.match(bobRows[4]!, new RegExp(`${alice.userId} removed ${carol}`));
  await showsConversation(bob);
  await showsConversation(alice);
  assert.deepEqual(await members(bob), [alice.userId, `${bob.userId} (you)`]);
  assert.deepEqual(await members(alice), [`${alice.userId} (you)`, bob.userId]);
  await alice.page.screenshot({ path: join(ARTIFACTS, 'browser-group.png'), fullPage: true });
  assertNoConsoleErrors(alice);
  assertNoConsoleErrors(bob);
});
