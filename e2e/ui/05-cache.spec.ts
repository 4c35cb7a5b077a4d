import { expect, test } from '@playwright/test';
import { DESKTOP, fakeReset, login, screenshot } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

test('generated images show in the chat, land in the media cache, and purge empties it', async ({ page }, testInfo) => {
  await fakeReset(page);
  await login(page);

  await page.goto('/admin/chat');
  await page.getByTestId('model-picker').click();
  await page.getByRole('option', { name: 'grok-imagine-1.0', exact: true }).click();
  await page.getByTestId('chat-input').fill('#scenario:image a red fox');
  await page.getByTestId('chat-input').press('Enter');
  const images = page.getByTestId('chat-image');
  await expect(images).toHaveCount(2, { timeout: 30_000 });
  // Both load through the gateway's /images proxy (which fills the cache).
  for (const img of await images.all()) {
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  await screenshot(page, testInfo, 'admin-chat-images-desktop');

  // The proxy fills the cache in the background (waitUntil): reload until both images are listed.
  await expect(async () => {
    await page.goto('/admin/cache');
    await expect(page.getByTestId('cache-item')).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  const count = 2;
  await expect(page.getByTestId('stat-cache-count')).toContainText(String(count));
  await screenshot(page, testInfo, 'cache-full-desktop');

  await page.getByRole('button', { name: 'Purge all' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Purge all' }).click();
  await expect(page.getByText(`Deleted ${count} files`)).toBeVisible();
  await expect(page.getByTestId('empty-state')).toContainText('The cache is empty');
  await expect(page.getByTestId('stat-cache-count')).toContainText('0');

  // A video model: a player for the gateway's video link.
  await page.goto('/admin/chat');
  await page.getByTestId('new-chat').click();
  await page.getByTestId('model-picker').click();
  await page.getByRole('option', { name: 'grok-imagine-1.0-video', exact: true }).click();
  // Paced frames, so the progress bar (typed media_progress events, not parsed text) is on screen for a while.
  await page.getByTestId('chat-input').fill('#scenario:video #delay:200 a cat on a skateboard');
  await page.getByTestId('chat-input').press('Enter');
  await expect(page.getByTestId('media-progress')).toContainText(/Video · Generating… \d+%/, { timeout: 20_000 });
  await expect(page.getByTestId('chat-video')).toBeVisible({ timeout: 45_000 });
  expect(await page.getByTestId('chat-video').getAttribute('src')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/images\//);
  // Once finished the bar goes, and no progress text was written into the reasoning or the answer.
  await expect(page.getByTestId('media-progress')).toHaveCount(0);
  await expect(page.getByTestId('message-assistant')).not.toContainText('Video:');
  await expect(page.getByTestId('message-assistant')).not.toContainText('<video');
  await screenshot(page, testInfo, 'admin-chat-video-desktop');
});
