import { expect, test, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USER, DESKTOP, MOBILE, UI, screenshot } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

/**
 * Logs in through the API with the suite's password; on a database this run did not set up yet (the spec run
 * alone), with the first-boot password, then changes it to the suite's.
 */
async function signIn(page: Page) {
  const post = (path: string, data: unknown) => page.request.post(`${UI}${path}`, { headers: { origin: UI }, data });
  const res = await post('/api/admin/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  if (res.ok()) return;
  expect(res.status()).toBe(401);
  expect((await post('/api/admin/login', { username: ADMIN_USER, password: 'admin' })).ok()).toBeTruthy();
  expect((await post('/api/admin/password', { current: 'admin', next: ADMIN_PASSWORD })).ok()).toBeTruthy();
}

async function openModelTable(page: Page) {
  await page.goto('/admin/config');
  await page.getByTestId('model-table-toggle').click();
  await expect(page.getByTestId('model-table')).toBeVisible();
}

const row = (page: Page, id: string) => page.getByTestId(`model-row-${id}`);

test('the config page shows every model id with its upstream mode and tier, in English and Chinese', async ({ page }, testInfo) => {
  await signIn(page);
  await openModelTable(page);
  const table = page.getByTestId('model-table');
  for (const header of ['Model', 'Kind', 'Upstream mode (B, C)', 'Model · mode (profile A)', 'Tier', 'Units']) {
    await expect(table.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
  }

  const expected = [
    ['grok-chat-fast', 'fast', 'basic', 'grok-4-1-thinking-1129 · MODEL_MODE_FAST', '1'],
    ['grok-chat-auto', 'auto', 'super', 'grok-4 · MODEL_MODE_AUTO', '1'],
    ['grok-chat-expert', 'expert', 'super', 'grok-4-1-thinking-1129 · MODEL_MODE_EXPERT', '4'],
    ['grok-chat-heavy', 'heavy', 'super', 'grok-4 · MODEL_MODE_HEAVY', '4'],
    ['grok-4-heavy', 'heavy', 'super', 'grok-4 · MODEL_MODE_HEAVY', '4'],
    ['grok-4.1-thinking', 'expert', 'basic', 'grok-4-1-thinking-1129 · MODEL_MODE_GROK_4_1_THINKING', '4'],
    ['grok-imagine-image', 'fast', 'basic', 'grok-3 · MODEL_MODE_FAST', '4'],
  ] as const;
  for (const [id, mode, tier, profileA, units] of expected) {
    const r = row(page, id);
    await expect(r.getByTestId('model-mode'), id).toHaveText(mode);
    await expect(r.getByTestId('model-tier'), id).toHaveAttribute('data-tier', tier);
    await expect(r.getByTestId('model-tier'), id).toContainText(tier === 'super' ? 'super (ssoSuper only)' : 'basic (sso, ssoSuper)');
    await expect(r.getByTestId('model-profile-a'), id).toHaveText(profileA);
    await expect(r.getByTestId('model-units'), id).toHaveText(units);
  }
  // The heavy ids draw from the heavy quota; the others do not.
  await expect(row(page, 'grok-chat-heavy').getByTestId('model-tier')).toContainText('heavy quota');
  await expect(row(page, 'grok-chat-expert').getByTestId('model-tier')).not.toContainText('heavy quota');
  // Ids without a mode id say what each profile sends instead.
  await expect(row(page, 'grok-3').getByTestId('model-mode')).toHaveText('none: B uses the profile A fields, C uses auto');
  await expect(row(page, 'grok-imagine-video').getByTestId('model-mode')).toHaveText('none: profile A fields');
  // Image ids name their method; the old one follows the setting.
  await expect(row(page, 'grok-imagine-image-2.0').getByTestId('model-kind')).toHaveText('image · imagine_ws_pro');
  await expect(row(page, 'grok-imagine-image-lite').getByTestId('model-kind')).toHaveText('image · legacy');
  await expect(row(page, 'grok-imagine-1.0').getByTestId('model-kind')).toHaveText('image');
  await screenshot(page, testInfo, 'config-model-table-desktop');

  // Chinese labels.
  await page.context().addCookies([{ name: 'g2a_lang', value: 'zh', url: UI }]);
  try {
    await openModelTable(page);
    for (const header of ['模型', '类型', '上游模式（B、C）', '模型 · 模式（协议 A）', '账号等级', '计次']) {
      await expect(table.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
    }
    await expect(row(page, 'grok-chat-heavy').getByTestId('model-tier')).toContainText('Super（仅 ssoSuper）');
    await expect(row(page, 'grok-chat-heavy').getByTestId('model-tier')).toContainText('Heavy 配额');
    await expect(row(page, 'grok-chat-fast').getByTestId('model-tier')).toContainText('普通（sso、ssoSuper）');
    await expect(row(page, 'grok-3').getByTestId('model-mode')).toHaveText('无：B 使用协议 A 字段，C 使用 auto');
  } finally {
    await page.context().clearCookies({ name: 'g2a_lang' });
  }

  // On a phone the table scrolls inside its container; the page itself does not get wider.
  await page.setViewportSize(MOBILE);
  await openModelTable(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(MOBILE.width);
  await screenshot(page, testInfo, 'config-model-table-mobile');
});
