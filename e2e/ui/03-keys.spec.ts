import { expect, test } from '@playwright/test';
import OpenAI from 'openai';
import { DESKTOP, fakeReset, login, PLAIN_TEXT, screenshot, UI } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

test('a new key is shown once and works against /v1 and on the public chat', async ({ page }, testInfo) => {
  await fakeReset(page);
  await login(page);
  await page.goto('/admin/keys');
  await page.getByRole('button', { name: 'Create key' }).first().click();
  await page.locator('#key-name').fill('ui-key');
  await page.locator('#key-rpm').fill('0');
  await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
  // Field-level error from the shared schema (rpm ≥ 1), then a valid value.
  await expect(page.locator('#key-rpm')).toHaveAttribute('aria-invalid', 'true');
  await page.locator('#key-rpm').fill('60');
  await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();

  const key = (await page.getByTestId('created-key').textContent())!.trim();
  expect(key).toMatch(/^sk-/);
  await screenshot(page, testInfo, 'key-created-desktop');
  await page.getByRole('button', { name: 'Done' }).click();
  // Never shown again.
  await expect(page.getByText(key)).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(key)).toHaveCount(0);
  await expect(page.getByTestId('keys-table')).toContainText('ui-key');
  await expect(page.getByTestId('keys-table')).toContainText('Requests / minute 60');

  // The official client with this key.
  const client = new OpenAI({ apiKey: key, baseURL: `${UI}/v1` });
  const completion = await client.chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'Say hello in French' }] });
  expect(completion.choices[0].message.content).toBe(PLAIN_TEXT);

  // Search and status filter on the keys table.
  await page.getByRole('searchbox').fill('ui-k');
  await expect(page.getByTestId('keys-table').locator('tbody tr')).toHaveCount(1);

  // The public chat asks for the key and keeps it in the browser only.
  await page.goto('/chat');
  await page.getByTestId('api-key-input').fill(key);
  await page.getByRole('button', { name: 'Use key' }).click();
  await expect(page.getByTestId('chat-input')).toBeEnabled();
  await page.getByTestId('chat-input').fill('Say hello in French');
  await page.getByTestId('chat-send').click();
  await expect(page.getByTestId('answer')).toHaveText(PLAIN_TEXT);
  expect(await page.evaluate(() => localStorage.getItem('g2a_public_api_key'))).toBe(key);

  // Web search: citations as a source list and inline links.
  await page.getByTestId('new-chat').click();
  await page.getByTestId('chat-input').fill('#scenario:search what is the grok api');
  await page.getByTestId('chat-input').press('Enter');
  await expect(page.getByTestId('answer')).toContainText('Grok has an API');
  await expect(page.getByTestId('citations').getByRole('link').first()).toHaveAttribute('href', /example\.(com|org)/);
  await screenshot(page, testInfo, 'public-chat-citations-desktop');

  // Disable the key: /v1 refuses it.
  await page.goto('/admin/keys');
  await page.getByRole('button', { name: /Open actions: ui-key/ }).click();
  await page.getByRole('menuitem', { name: 'Disable' }).click();
  await expect(page.getByTestId('keys-table')).toContainText('Disabled');
  await expect(client.chat.completions.create({ model: 'grok-4', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 401 });
});
