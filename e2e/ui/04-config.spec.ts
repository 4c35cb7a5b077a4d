import { expect, test, type Page } from '@playwright/test';
import { adminApi, choose, createKey, DESKTOP, fakeReset, login, screenshot, THINKING_ANSWER } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

async function setReasoning(page: Page, mode: string) {
  await page.goto('/admin/config');
  await choose(page, page.getByTestId('setting-reasoning_output'), mode);
  await page.getByTestId('settings-save').click();
  await expect(page.getByText('Settings saved')).toBeVisible();
}

/** The last assistant message as /chat stored it (raw content and the separate reasoning field). */
async function lastAnswer(page: Page): Promise<{ content: string; reasoning?: string }> {
  return page.evaluate(() => {
    const [conv] = JSON.parse(localStorage.getItem('g2a_chat_public') ?? '[]');
    return conv.messages[conv.messages.length - 1];
  });
}

/**
 * Asks the thinking scenario on /chat and checks how the reasoning is shown. A save applies to the next
 * request (the settings store checks a version on every request); the retry only absorbs UI timing.
 */
async function expectThinking(page: Page, check: () => Promise<void>) {
  await expect(async () => {
    await page.goto('/chat');
    await expect(page.getByTestId('chat-input')).toBeEnabled();
    await page.getByTestId('new-chat').click();
    await page.getByTestId('chat-input').fill('#scenario:thinking sum 1..10');
    await page.getByTestId('chat-input').press('Enter');
    await expect(page.getByTestId('answer')).toHaveText(THINKING_ANSWER);
    await expect(page.getByTestId('chat-send')).toBeVisible();
    await check();
  }).toPass({ timeout: 30_000, intervals: [1_000, 2_000] });
}

test('reasoning_output switches how /chat shows thinking; invalid values get field errors', async ({ page }, testInfo) => {
  await fakeReset(page);
  await login(page);
  const key = await createKey(page, 'config-spec');
  await page.goto('/chat');
  await page.evaluate((k) => localStorage.setItem('g2a_public_api_key', k), key);

  try {
    // hidden: no reasoning at all.
    await setReasoning(page, 'hidden');
    await expectThinking(page, async () => {
      await expect(page.getByTestId('reasoning')).toHaveCount(0, { timeout: 500 });
    });

    // think_tags: reasoning arrives inside content (<think>), shown as the reasoning block, never as raw tags.
    await setReasoning(page, 'think_tags');
    await expectThinking(page, async () => {
      expect((await lastAnswer(page)).content).toContain('<think>');
      await expect(page.getByTestId('reasoning-text')).toContainText('n(n+1)/2', { timeout: 500 });
      await expect(page.getByTestId('answer')).not.toContainText('<think>');
    });

    // reasoning_content: the same block, from the separate field.
    await setReasoning(page, 'reasoning_content');
    await expectThinking(page, async () => {
      const last = await lastAnswer(page);
      expect(last.content).not.toContain('<think>');
      expect(last.reasoning).toContain('n(n+1)/2');
      await expect(page.getByTestId('reasoning-text')).toContainText('n(n+1)/2', { timeout: 500 });
    });
    await screenshot(page, testInfo, 'public-chat-reasoning-desktop');

    // Field-level validation with the API's schema.
    await page.goto('/admin/config');
    await page.getByTestId('setting-keepalive_seconds').fill('999');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('setting-keepalive_seconds')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#setting-keepalive_seconds-error')).toBeVisible();
    await page.getByTestId('setting-models').fill('[{"id": 1}]');
    await page.getByTestId('setting-keepalive_seconds').fill('20');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('setting-models')).toHaveAttribute('aria-invalid', 'true');
    await screenshot(page, testInfo, 'config-errors-desktop');
  } finally {
    await adminApi(page, 'PUT', '/api/admin/settings', { reasoning_output: 'reasoning_content', keepalive_seconds: 15 });
  }
});
