import { expect, test } from '@playwright/test';
import OpenAI from 'openai';
import { choose, createKey, DESKTOP, fakeReset, login, screenshot, UI } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

test('the data center shows the requests just made', async ({ page }, testInfo) => {
  await fakeReset(page);
  await login(page);
  const key = await createKey(page, 'dc-key');
  const client = new OpenAI({ apiKey: key, baseURL: `${UI}/v1`, maxRetries: 0 });
  for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'grok-3', messages: [{ role: 'user', content: `hello ${i}` }] });
  await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 400 });

  await page.goto('/admin/datacenter');
  const requests = Number((await page.getByTestId('stat-requests').locator('[data-slot=card-title]').textContent())!.replace(/\D/g, ''));
  expect(requests).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('chart-by-key')).toBeVisible();
  const logs = page.getByTestId('logs-table');
  await expect(logs).toContainText('dc-key');
  await expect(logs).toContainText('grok-3');
  await expect(logs).toContainText('model_not_found');
  await screenshot(page, testInfo, 'datacenter-desktop');

  // Filter the log: errors only.
  await choose(page, page.getByTestId('log-filter-status'), 'Error');
  await expect(page).toHaveURL(/status=error/);
  await expect(logs).toContainText('model_not_found');
  await expect(logs).not.toContainText('grok-3');

  // Period tabs reload the numbers.
  await page.getByRole('tab', { name: '7 days' }).click();
  await expect(page).toHaveURL(/period=7d/);
  await expect(page.getByTestId('stat-requests')).toBeVisible();

  // CSV export of usage per key.
  const csv = await page.request.get(`${UI}/api/admin/stats/export?period=24h`);
  expect(await csv.text()).toContain('dc-key');
});
