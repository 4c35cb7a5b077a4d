import { expect, test, type Locator, type Page } from '@playwright/test';
import OpenAI from 'openai';
import { ADMIN_PASSWORD, ADMIN_USER, DESKTOP, FAKE, UI, adminApi, fakeReset, importTokens, makeToken, screenshot } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

interface Outcome {
  at: number;
  status: number;
  reason: string;
  kind: string;
}
interface TokenList {
  items: { id: string; suffix: string; status: string; quarantineReason: string | null; tags: string[] }[];
  outcomes: Record<string, Outcome[]>;
}
interface CapacityPoint {
  at: number;
  available: number;
  cooling: number;
  quarantined: number;
  invalid: number;
  disabled: number;
}

/** As catalog.spec.ts: the suite's password, or on a database this run did not set up yet, the first-boot one. */
async function signIn(page: Page) {
  const post = (path: string, data: unknown) => page.request.post(`${UI}${path}`, { headers: { origin: UI }, data });
  const res = await post('/api/admin/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  if (res.ok()) return;
  expect(res.status()).toBe(401);
  expect((await post('/api/admin/login', { username: ADMIN_USER, password: 'admin' })).ok()).toBeTruthy();
  expect((await post('/api/admin/password', { current: 'admin', next: ADMIN_PASSWORD })).ok()).toBeTruthy();
}

const TAG = 'pool-health';
const list = (page: Page, query = '') => adminApi<TokenList>(page, 'GET', `/api/admin/tokens?pageSize=500${query}`);

async function inject(page: Page, failures: Record<string, unknown>[]) {
  const res = await page.request.post(`${FAKE}/__fake/inject`, { data: { failures } });
  expect(res.ok()).toBeTruthy();
}

/**
 * Hovers one cell of a strip and returns the tooltip it opens. The pointer first leaves in a few steps, as a
 * hand would: Radix ignores a trigger while the pointer may still be travelling to the previous tooltip.
 */
async function hoverCell(page: Page, cell: Locator) {
  await page.mouse.move(0, 0, { steps: 4 });
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await cell.hover();
  const tip = page.getByRole('tooltip');
  await expect(tip).toBeVisible();
  return tip;
}

test('why is it out: the accounts page shows each account’s last outcomes and verdict, the data center the pool over time', async ({ page }, testInfo) => {
  await fakeReset(page);
  await signIn(page);
  // Earlier specs leave accounts behind: out of the way for this test, so each request lands where it should.
  const others = (await list(page)).items.filter((t) => t.status !== 'disabled' && t.status !== 'invalid').map((t) => t.id);
  if (others.length) await adminApi(page, 'POST', '/api/admin/tokens/batch', { ids: others, action: 'disable' });
  const mine: string[] = [];
  const { id: keyId, key } = await adminApi<{ id: string; key: string }>(page, 'POST', '/api/admin/keys', { name: 'pool-health' });
  try {
    const client = new OpenAI({ apiKey: key, baseURL: `${UI}/v1`, maxRetries: 0 });
    const chat = (content: string) => client.chat.completions.create({ model: 'grok-3', messages: [{ role: 'user', content }] });

    // Account A alone: three answers, an injected upstream 500, then an answer streamed implausibly fast.
    const rawA = makeToken();
    await importTokens(page, [rawA], 'sso', [TAG]);
    const a = (await list(page, `&tag=${TAG}`)).items.find((t) => t.suffix === rawA.slice(-6))!;
    mine.push(a.id);
    for (let i = 0; i < 3; i++) await chat(`hello ${i}`);
    await inject(page, [{ kind: 'server-error' }]);
    await expect(chat('this one fails')).rejects.toMatchObject({ status: expect.any(Number) });
    await chat('#scenario:long:2000 #delay:0');
    await expect.poll(async () => (await list(page, `&tag=${TAG}`)).items.find((t) => t.id === a.id)?.status).toBe('quarantined');

    // Account B: one answer, then an upstream 429 cools it.
    const rawB = makeToken();
    await importTokens(page, [rawB], 'sso', [TAG]);
    const b = (await list(page, `&tag=${TAG}`)).items.find((t) => t.suffix === rawB.slice(-6))!;
    mine.push(b.id);
    await chat('hello b');
    await inject(page, [{ kind: 'rate-limit' }]);
    await expect(chat('this one is rate-limited')).rejects.toMatchObject({ status: 429 });

    // The list API carries the strips: oldest first, classified.
    await expect
      .poll(async () => {
        const { outcomes } = await list(page, `&tag=${TAG}`);
        return [outcomes[a.id]?.map((o) => o.kind), outcomes[b.id]?.map((o) => o.kind)];
      })
      .toEqual([
        ['ok', 'ok', 'ok', 'failed', 'quarantined'],
        ['ok', 'cooled'],
      ]);
    const { items, outcomes } = await list(page, `&tag=${TAG}`);
    expect(items.find((t) => t.id === a.id)).toMatchObject({ status: 'quarantined', quarantineReason: 'degraded_implausible_speed' });
    expect(items.find((t) => t.id === b.id)).toMatchObject({ status: 'cooling' });
    expect(outcomes[a.id][3].status).toBeGreaterThanOrEqual(500);
    expect(outcomes[a.id][4]).toMatchObject({ status: 200, reason: 'degraded_implausible_speed' });
    expect(outcomes[b.id][1]).toMatchObject({ status: 429 });
    const times = outcomes[a.id].map((o) => o.at);
    expect(times).toEqual([...times].sort((x, y) => x - y));

    // The accounts page.
    await page.goto(`/admin/token?tag=${TAG}`);
    const table = page.getByTestId('tokens-table');
    const rowA = table.locator('tbody tr', { hasText: `…${a.suffix}` });
    const rowB = table.locator('tbody tr', { hasText: `…${b.suffix}` });
    await expect(table.locator('tbody tr')).toHaveCount(2);

    const stripA = rowA.getByTestId('outcome-strip');
    await expect(stripA.getByTestId('outcome-cell')).toHaveCount(5);
    expect(await stripA.getByTestId('outcome-cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-kind')))).toEqual(['ok', 'ok', 'ok', 'failed', 'quarantined']);
    await expect(stripA).toHaveAttribute('aria-label', /^Last 5 requests, oldest first: 3 OK, 1 Failed, 1 Quarantined\. Latest: Quarantined \(Implausibly fast answer\)/);
    let tip = await hoverCell(page, stripA.getByTestId('outcome-cell').nth(3));
    await expect(tip).toContainText('Failed');
    await expect(tip).toContainText(/5\d\d · upstream_/);
    tip = await hoverCell(page, stripA.getByTestId('outcome-cell').nth(4));
    await expect(tip).toContainText('Quarantined');
    await expect(tip).toContainText('200 · Implausibly fast answer');
    tip = await hoverCell(page, stripA.getByTestId('outcome-cell').nth(0));
    await expect(tip).toContainText('OK');
    await expect(tip).toContainText('200 · ok');

    // A's verdict: the reason in words and the countdown to its probe (quarantine_seconds, 30 min by default).
    const quarantined = rowA.getByTestId('quarantined-status');
    await expect(quarantined.getByTestId('quarantined-badge')).toHaveText(/^Quarantined (29m|30m) \d\ds$/);
    await expect(quarantined).toContainText('Implausibly fast answer');
    tip = await hoverCell(page, quarantined);
    await expect(tip).toContainText(/Implausibly fast answer\s*probe in (29m|30m) \d\ds/);
    await expect(tip).toContainText('Quarantined 1× so far');

    // B: ok then rate-limited; cooling, with the time until it is back.
    const stripB = rowB.getByTestId('outcome-strip');
    expect(await stripB.getByTestId('outcome-cell').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-kind')))).toEqual(['ok', 'cooled']);
    tip = await hoverCell(page, stripB.getByTestId('outcome-cell').nth(1));
    await expect(tip).toContainText('Rate-limited');
    await expect(tip).toContainText('429 ·');
    await expect(rowB.getByTestId('cooling-status')).toContainText(/Cooling \d+m \d\ds/);
    await page.mouse.move(0, 0);
    await screenshot(page, testInfo, 'pool-health-accounts-desktop');

    // The status filter counts quarantined accounts.
    await page.getByTestId('filter-status').click();
    await expect(page.getByRole('option', { name: /^Quarantined \(\d+\)$/ })).toBeVisible();
    await page.keyboard.press('Escape');

    // The data center: pool capacity over the period, the current counts last.
    const stats = await adminApi<{ capacity: { bucketMs: number; points: CapacityPoint[] } }>(page, 'GET', '/api/admin/stats?period=24h');
    const last = stats.capacity.points.at(-1)!;
    expect(last).toMatchObject({ quarantined: 1, cooling: 1, available: 0 });
    // The chat requests above wrote this slot's snapshot (if no earlier request had).
    expect(stats.capacity.points.length).toBeGreaterThanOrEqual(2);
    await page.goto('/admin/datacenter');
    const chart = page.getByTestId('chart-capacity');
    await expect(chart).toContainText('Pool capacity over time');
    await expect(chart.locator('.recharts-area').first()).toBeVisible();
    for (const label of ['Available', 'Cooling', 'Quarantined', 'Invalid', 'Disabled']) await expect(chart).toContainText(label);
    await screenshot(page, testInfo, 'pool-health-datacenter-desktop');
  } finally {
    if (mine.length) await adminApi(page, 'POST', '/api/admin/tokens/batch', { ids: mine, action: 'delete' });
    if (others.length) await adminApi(page, 'POST', '/api/admin/tokens/batch', { ids: others, action: 'enable' });
    await adminApi(page, 'DELETE', `/api/admin/keys/${keyId}`);
  }
});
