import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USER, DESKTOP, UI, adminApi, screenshot } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

/** As catalog.spec.ts: the suite's password, or on a database this run did not set up yet, the first-boot one. */
async function signIn(page: Page) {
  const post = (path: string, data: unknown) => page.request.post(`${UI}${path}`, { headers: { origin: UI }, data });
  const res = await post('/api/admin/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
  if (res.ok()) return;
  expect(res.status()).toBe(401);
  expect((await post('/api/admin/login', { username: ADMIN_USER, password: 'admin' })).ok()).toBeTruthy();
  expect((await post('/api/admin/password', { current: 'admin', next: ADMIN_PASSWORD })).ok()).toBeTruthy();
}

const DEFAULTS = { keepalive_seconds: 15, reasoning_output: 'reasoning_content' };

test('config page: export settings to a file, change them, import the file back after confirming', async ({ page }, testInfo) => {
  await signIn(page);
  await adminApi(page, 'PUT', '/api/admin/settings', { ...DEFAULTS, keepalive_seconds: 25 });
  try {
    await page.goto('/admin/config');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('settings-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^grok2api-settings-\d{4}-\d{2}-\d{2}\.json$/);
    await expect(page.getByText('Settings exported')).toBeVisible();
    const path = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(path);
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file).toMatchObject({ format: 'grok2api-settings', version: 1, settings: { keepalive_seconds: 25, reasoning_output: 'reasoning_content' } });
    const total = Object.keys(file.settings).length;

    // A file that is not an export is refused before anything is sent.
    await page.getByTestId('settings-import-file').setInputFiles({ name: 'tokens.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"grok2api-tokens"}') });
    await expect(page.getByText('Cannot import tokens.json: Not a Grok2API settings export')).toBeVisible();
    await expect(page.getByRole('alertdialog')).toHaveCount(0);

    await adminApi(page, 'PUT', '/api/admin/settings', { keepalive_seconds: 40, reasoning_output: 'hidden' });
    await page.reload();
    await expect(page.getByTestId('setting-keepalive_seconds')).toHaveValue('40');

    // The dialog says what will change; cancelling stores nothing.
    await page.getByTestId('settings-import-file').setInputFiles(path);
    const dialog = page.getByRole('alertdialog');
    await expect(dialog).toContainText(`Import settings from ${download.suggestedFilename()}?`);
    await expect(dialog).toContainText(`2 of the ${total} settings in the file will change`);
    await expect(dialog).toContainText('Keep-alive (s)');
    await expect(dialog).toContainText('Reasoning output');
    await screenshot(page, testInfo, 'config-import-confirm-desktop');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    expect((await adminApi<{ values: Record<string, unknown> }>(page, 'GET', '/api/admin/settings')).values.keepalive_seconds).toBe(40);

    await page.getByTestId('settings-import-file').setInputFiles(path);
    await page.getByRole('alertdialog').getByRole('button', { name: 'Import' }).click();
    await expect(page.getByText(`Imported ${total} settings`)).toBeVisible();
    // The form shows the restored values without a reload.
    await expect(page.getByTestId('setting-keepalive_seconds')).toHaveValue('25');
    expect((await adminApi<{ values: Record<string, unknown> }>(page, 'GET', '/api/admin/settings')).values).toEqual(file.settings);
  } finally {
    await adminApi(page, 'PUT', '/api/admin/settings', DEFAULTS);
  }
});
