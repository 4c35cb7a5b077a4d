/**
 * Shared helpers for the UI specs. They run in file order in one worker against their own gateway and a fresh
 * database: `01-first-run` logs in with admin/admin and sets `ADMIN_PASSWORD`; later specs log in with it.
 */
import { randomBytes } from 'node:crypto';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { FAKE_GROK_PORT, UI_GATEWAY_PORT } from '../../playwright.config';

export const UI = `http://127.0.0.1:${UI_GATEWAY_PORT}`;
export const FAKE = `http://127.0.0.1:${FAKE_GROK_PORT}`;
export const ADMIN_USER = 'admin';
/** Set by the first-run spec's forced password change. */
export const ADMIN_PASSWORD = 'ui-e2e-password-1';

export const PLAIN_TEXT = 'Bonjour! That is "hello" in French.';
/** Rendered text of the thinking scenario's answer (`**55**` becomes bold). */
export const THINKING_ANSWER = 'The sum of 1 through 10 is 55.';
export const THINKING_REASONING_PART = 'n(n+1)/2';

export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };

export function makeToken(): string {
  return `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
}

export async function fakeReset(page: Page) {
  const res = await page.request.post(`${FAKE}/__fake/reset`);
  expect(res.ok()).toBeTruthy();
}

export async function login(page: Page, password = ADMIN_PASSWORD) {
  await page.goto('/login');
  await page.locator('#username').fill(ADMIN_USER);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/admin/token');
}

/** Admin API call with the browser's session cookie and a same-origin Origin header. */
export async function adminApi<T = unknown>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  const res = await page.request.fetch(`${UI}${path}`, {
    method,
    headers: { origin: UI, 'content-type': 'application/json' },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok(), `${method} ${path} → ${res.status()} ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}

export async function importTokens(page: Page, tokens: string[], type: 'sso' | 'ssoSuper' = 'sso', tags: string[] = []) {
  return adminApi<{ added: number }>(page, 'POST', '/api/admin/tokens', { tokens, type, tags });
}

export async function createKey(page: Page, name: string): Promise<string> {
  return (await adminApi<{ key: string }>(page, 'POST', '/api/admin/keys', { name })).key;
}

export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

/** Console errors of the page (failed fetches the test provokes on purpose are filtered by the caller). */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

/** Chooses an option of a shadcn/Radix select. */
export async function choose(page: Page, trigger: ReturnType<Page['getByTestId']>, option: string) {
  await trigger.click();
  await page.getByRole('option', { name: option, exact: true }).click();
}
