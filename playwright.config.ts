import { defineConfig, devices } from '@playwright/test';

/** Ports of the stack under test; distinct from `npm start` (8788) and `npm run demo` so they can coexist. */
export const GATEWAY_PORT = Number(process.env.E2E_GATEWAY_PORT ?? 8790);
export const FAKE_GROK_PORT = Number(process.env.E2E_FAKE_GROK_PORT ?? 18791);
/** UI specs get their own gateway and database, so the first-run story really starts from a fresh install. */
export const UI_GATEWAY_PORT = Number(process.env.E2E_UI_GATEWAY_PORT ?? 8792);
/** The Pages parity check: the same build under `wrangler pages dev` (npm run dev:pages). */
export const PAGES_GATEWAY_PORT = Number(process.env.E2E_PAGES_GATEWAY_PORT ?? 8794);
export const PAGES_SETUP_TOKEN = 'pages-smoke-setup-token-0123456789';
const gateway = `http://127.0.0.1:${GATEWAY_PORT}`;
const uiGateway = `http://127.0.0.1:${UI_GATEWAY_PORT}`;
const fake = `http://127.0.0.1:${FAKE_GROK_PORT}`;

const gatewayEnv = (port: number, state: string) => ({
  PORT: String(port),
  PERSIST_DIR: state,
  SKIP_BUILD: process.env.SKIP_BUILD ?? '1',
  GROK_BASE_URL: fake,
  GROK_ASSETS_URL: fake,
  GROK_WS_URL: fake.replace('http', 'ws'),
  SECRET_KEY: 'test-secret-key-for-e2e-only-0123456789',
  ADMIN_USERNAME: 'admin',
  ADMIN_PASSWORD: 'admin',
});

const chromium = {
  ...devices['Desktop Chrome'],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  },
};

export default defineConfig({
  testDir: './e2e',
  testIgnore: ['fake-grok/**'],
  // API specs share one gateway and one account pool and reset them per test, so they run one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: { baseURL: gateway, trace: 'retain-on-failure' },
  projects: [
    { name: 'api', testMatch: 'api/**/*.spec.ts' },
    { name: 'ui', testMatch: 'ui/**/*.spec.ts', use: { ...chromium, baseURL: uiGateway } },
    { name: 'pages', testMatch: 'pages/**/*.spec.ts', use: { baseURL: `http://127.0.0.1:${PAGES_GATEWAY_PORT}` } },
  ],
  webServer: [
    {
      command: `node e2e/fake-grok/server.mjs --port ${FAKE_GROK_PORT}`,
      url: `${fake}/__fake/health`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
    {
      command: 'node scripts/start.mjs',
      url: `${gateway}/health`,
      reuseExistingServer: false,
      timeout: 300_000,
      env: gatewayEnv(GATEWAY_PORT, '.wrangler/test-state'),
    },
    {
      command: 'node scripts/start.mjs',
      url: `${uiGateway}/health`,
      reuseExistingServer: false,
      timeout: 300_000,
      env: gatewayEnv(UI_GATEWAY_PORT, '.wrangler/test-state-ui'),
    },
    {
      command: 'node scripts/dev-pages.mjs',
      url: `http://127.0.0.1:${PAGES_GATEWAY_PORT}/health`,
      reuseExistingServer: false,
      timeout: 300_000,
      // Not a loopback-only Miniflare server: the first login needs the setup token, as on a fresh Pages site.
      env: { ...gatewayEnv(PAGES_GATEWAY_PORT, '.wrangler/test-state-pages'), ADMIN_SETUP_TOKEN: PAGES_SETUP_TOKEN },
    },
  ],
});
