import { expect, test } from '@playwright/test';
import { collectConsoleErrors, DESKTOP, login, MOBILE, screenshot } from './helpers';

test.use({ locale: 'en-US' });

const PAGES = ['/admin/token', '/admin/keys', '/admin/datacenter', '/admin/config', '/admin/cache', '/admin/chat', '/chat'];

for (const [label, viewport] of [
  ['desktop', DESKTOP],
  ['mobile', MOBILE],
] as const) {
  test(`every page renders without console errors (${label} ${viewport.width}×${viewport.height})`, async ({ page, browser }, testInfo) => {
    await page.setViewportSize(viewport);
    const errors = collectConsoleErrors(page);
    await login(page);
    for (const path of PAGES) {
      await page.goto(path);
      await expect(page.locator('main')).toBeVisible();
      await page.waitForLoadState('networkidle');
      await screenshot(page, testInfo, `${path.replace(/\//g, '_').slice(1)}-${label}`);
    }
    // The login page, logged out.
    const anon = await browser.newContext({ viewport, locale: 'en-US' });
    const anonPage = await anon.newPage();
    const anonErrors = collectConsoleErrors(anonPage);
    await anonPage.goto('/login');
    await expect(anonPage.locator('#username')).toBeVisible();
    await screenshot(anonPage, testInfo, `login-${label}`);
    await anon.close();
    expect([...errors, ...anonErrors]).toEqual([]);
  });
}

test('language switch (简体中文) and dark theme', async ({ page }, testInfo) => {
  await page.setViewportSize(DESKTOP);
  await login(page);
  await page.getByTestId('lang-switch').click();
  await page.getByRole('menuitemradio', { name: '简体中文' }).click();
  await expect(page.getByRole('heading', { name: '账号池' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.getByRole('button', { name: '切换主题' }).click();
  await page.getByRole('menuitem', { name: '深色' }).click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await screenshot(page, testInfo, 'token-zh-dark-desktop');
  await page.goto('/admin/datacenter');
  await screenshot(page, testInfo, 'datacenter-zh-dark-desktop');
  await page.setViewportSize(MOBILE);
  await page.goto('/admin/keys');
  await screenshot(page, testInfo, 'keys-zh-dark-mobile');
  // Back to English for anything that runs later.
  await page.context().clearCookies({ name: 'g2a_lang' });
});
