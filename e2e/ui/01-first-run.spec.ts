import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, DESKTOP, fakeReset, makeToken, screenshot, THINKING_ANSWER, THINKING_REASONING_PART } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

test('first run: default login → forced password change → import tokens → create key → chat with reasoning', async ({ page }, testInfo) => {
  await fakeReset(page);

  // Any admin page sends a visitor to the login page.
  await page.goto('/admin/token');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText('Sign in to Grok2API')).toBeVisible();
  await screenshot(page, testInfo, 'login-desktop');

  // A wrong password is refused with the API's message (and the attempts left before the lock).
  await page.locator('#username').fill('admin');
  await page.locator('#password').fill('wrong-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('main').getByRole('alert')).toContainText('Wrong username or password');
  await expect(page.locator('main').getByRole('alert')).toContainText('attempts left');

  // The default credentials work but only lead to the password change.
  await page.locator('#password').fill('admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Change the default password')).toBeVisible();
  await screenshot(page, testInfo, 'password-change-desktop');
  await page.goto('/admin/keys');
  await expect(page.getByText('Change the default password')).toBeVisible();

  await page.locator('#pw-current').fill('admin');
  await page.locator('#pw-next').fill('short');
  await page.locator('#pw-repeat').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#pw-next')).toHaveAttribute('aria-invalid', 'true');

  await page.locator('#pw-next').fill(ADMIN_PASSWORD);
  await page.locator('#pw-repeat').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL('**/admin/token');

  // Empty pool → call to action → import (pasted lines: 3 good, 1 duplicate, 1 invalid).
  await expect(page.getByTestId('empty-state')).toContainText('No accounts yet');
  await screenshot(page, testInfo, 'token-empty-desktop');
  await page.getByTestId('empty-state').getByRole('button', { name: 'Import' }).click();
  const tokens = [makeToken(), makeToken(), makeToken()];
  await page.locator('#import-tokens').fill([...tokens, tokens[0], 'not a token'].join('\n'));
  await page.getByRole('dialog').getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByTestId('import-result')).toContainText('Added 3, duplicates 1, invalid 1');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('tokens-table').locator('tbody tr')).toHaveCount(3);
  for (const token of tokens) await expect(page.getByTestId('tokens-table')).toContainText(`…${token.slice(-6)}`);

  // Create an API key: shown once.
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL('**/admin/keys');
  await page.getByTestId('empty-state').getByRole('button', { name: 'Create key' }).click();
  await page.locator('#key-name').fill('first-run');
  await page.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
  const key = (await page.getByTestId('created-key').textContent())!.trim();
  expect(key).toMatch(/^sk-/);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('keys-table')).toContainText('first-run');

  // Chat on /admin/chat: the streamed answer and the reasoning.
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.waitForURL('**/admin/chat');
  await page.getByTestId('chat-input').fill('#scenario:thinking What is 1 + 2 + … + 10?');
  await page.getByTestId('chat-input').press('Enter');
  await expect(page.getByTestId('answer')).toHaveText(THINKING_ANSWER, { timeout: 20_000 });
  await expect(page.getByTestId('reasoning-text')).toContainText(THINKING_REASONING_PART);
  await expect(page.getByTestId('chat-send')).toBeVisible();
  await screenshot(page, testInfo, 'admin-chat-desktop');

  // History survives a reload (kept in the browser).
  await page.reload();
  await expect(page.getByTestId('chat-history')).toContainText('#scenario:thinking');
});
