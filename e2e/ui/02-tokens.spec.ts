import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD, choose, DESKTOP, importTokens, login, makeToken, screenshot } from './helpers';

test.use({ locale: 'en-US', viewport: DESKTOP });

test('token filters, search and a batch disable', async ({ page }, testInfo) => {
  await login(page);
  const supers = [makeToken(), makeToken()];
  const tagged = [makeToken(), makeToken()];
  await importTokens(page, supers, 'ssoSuper', ['beta']);
  await importTokens(page, tagged, 'sso', ['alpha']);
  await page.reload();

  const rows = page.getByTestId('tokens-table').locator('tbody tr');
  await expect(rows).toHaveCount(7);

  // Type filter (in the URL, loaded by the server).
  await choose(page, page.getByTestId('filter-type'), 'Super');
  await expect(page).toHaveURL(/type=ssoSuper/);
  await expect(rows).toHaveCount(2);
  for (const t of supers) await expect(page.getByTestId('tokens-table')).toContainText(`…${t.slice(-6)}`);

  // Tag filter.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows).toHaveCount(7);
  await choose(page, page.getByTestId('filter-tag'), 'alpha');
  await expect(rows).toHaveCount(2);

  // Search by suffix.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).not.toHaveURL(/tag=/);
  await page.getByRole('searchbox').fill(tagged[0].slice(-6));
  await expect(rows).toHaveCount(1);
  await page.getByRole('searchbox').fill('');
  await expect(rows).toHaveCount(7);

  // Select the two Super accounts and disable them in one batch.
  await choose(page, page.getByTestId('filter-type'), 'Super');
  await expect(rows).toHaveCount(2);
  await page.getByRole('checkbox', { name: 'Select all' }).click();
  await expect(page.getByTestId('batch-bar')).toContainText('2 selected');
  await page.getByTestId('batch-bar').getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByText('2 accounts updated')).toBeVisible();
  await expect(page.getByTestId('tokens-table').getByText('Disabled')).toHaveCount(2);

  // The status filter finds exactly them.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await choose(page, page.getByTestId('filter-status'), 'Disabled (2)');
  await expect(rows).toHaveCount(2);
  await screenshot(page, testInfo, 'token-filtered-desktop');

  // Row action: enable one again.
  await rows.first().getByTestId('token-row-actions').click();
  await page.getByRole('menuitem', { name: 'Enable' }).click();
  await expect(page.getByText('Updated', { exact: true })).toBeVisible();
  await expect(rows).toHaveCount(1);

  // Export: only after re-entering the password; the file holds the raw tokens.
  await page.getByRole('button', { name: 'Export' }).click();
  await page.locator('#export-password').fill('not-the-password');
  await page.getByRole('button', { name: 'Download .txt' }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText('Re-enter the admin password');
  await page.locator('#export-password').fill(ADMIN_PASSWORD);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .txt' }).click();
  const file = await (await download).path();
  const text = (await import('node:fs')).readFileSync(file, 'utf8');
  for (const t of [...supers, ...tagged]) expect(text).toContain(t);
});
