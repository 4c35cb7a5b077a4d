import { expect, test } from '@playwright/test';
import { login, MOBILE, screenshot } from './helpers';

test.use({ locale: 'en-US', viewport: MOBILE, isMobile: true, hasTouch: true });

test('mobile: drawer navigation, horizontally scrolling tables, dialogs that fit', async ({ page }, testInfo) => {
  await login(page);
  // The sidebar is hidden; the menu button opens the drawer.
  await expect(page.getByRole('link', { name: 'API keys' })).toBeHidden();
  await page.getByRole('button', { name: 'Menu' }).click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByRole('link', { name: 'API keys' })).toBeVisible();
  await screenshot(page, testInfo, 'drawer-mobile');
  await drawer.getByRole('link', { name: 'API keys' }).click();
  await page.waitForURL('**/admin/keys');
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('dialog').getByRole('link', { name: 'Data center' }).click();
  await page.waitForURL('**/admin/datacenter');

  // The page itself never scrolls sideways; wide tables scroll inside their container.
  await page.goto('/admin/token');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);

  // A dialog fits the screen.
  await page.getByRole('button', { name: 'Import' }).click();
  const box = await page.getByRole('dialog').boundingBox();
  expect(box!.width).toBeLessThanOrEqual(MOBILE.width);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  await screenshot(page, testInfo, 'import-dialog-mobile');
});
