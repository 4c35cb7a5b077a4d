/**
 * The real coding-agent CLIs against the gateway: Claude Code (`claude -p`, Anthropic Messages on `/v1/messages`)
 * and Codex (`codex exec`, a custom model provider with `wire_api = "responses"` on `/v1/responses`).
 *
 * Each run is hermetic: a fresh temp HOME / CLAUDE_CONFIG_DIR / CODEX_HOME and working directory, an environment
 * built from scratch (nothing inherited but PATH, so no stray proxy or vendor key leaks in), stdin closed, and every
 * call the CLIs would make to their vendors (telemetry, auto-update, plugin sync) switched off by env or config —
 * the machine has no internet. The fake upstream answers the prompt's `say` directive; that text must be the CLI's
 * output.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { GATEWAY, fake, freshState, gateway, say, type CreatedKey } from './helpers';

const ROOT = resolve(__dirname, '../..');
/** Upper bound for one CLI run; a hung CLI is killed so the test fails with its output instead of timing out blind. */
const CLI_KILL_AFTER_MS = 90_000;

let key: CreatedKey;

test.beforeAll(async () => {
  await gateway.login();
  key = await gateway.createKey({ name: 'e2e-clients' });
});

test.beforeEach(async () => {
  await freshState(1);
});

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/**
 * Runs `fn` with a throwaway directory tree: `home` (HOME, and the root of the CLI's config dir) and `work` (the
 * CLI's cwd: not a git repository, no CLAUDE.md / AGENTS.md). Removed afterwards.
 */
async function inSandbox(fn: (dirs: { home: string; work: string }) => Promise<void>): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'g2a-cli-'));
  try {
    const home = join(base, 'home');
    const work = join(base, 'work');
    mkdirSync(home);
    mkdirSync(work);
    await fn({ home, work });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** Runs a CLI with stdin closed, in its own process group (killed as a whole if it hangs). */
function runCli(command: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, CLI_KILL_AFTER_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, killed });
    });
  });
}

/** The environment of a CLI run: only what it needs, nothing inherited from the test runner but PATH. */
const baseEnv = (home: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: home,
  TMPDIR: tmpdir(),
  LANG: 'C.UTF-8',
  TERM: 'dumb',
  NO_COLOR: '1',
});

const describeRun = (name: string, r: CliRun) =>
  `${name} exited ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.killed ? ` — killed after ${CLI_KILL_AFTER_MS} ms` : ''}\n` +
  `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr.slice(-8000)}`;

/**
 * Claude Code's native binary. Its postinstall links the platform package's binary over the `bin/claude.exe`
 * placeholder (a 500-byte shell stub); if the install ran without scripts, use the platform package directly.
 */
function claudeBinary(): string {
  const bin = join(ROOT, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe');
  if (statSync(bin).size > 1_000_000) return bin;
  const platform = `${process.platform}-${process.arch}`;
  return require.resolve(`@anthropic-ai/claude-code-${platform}/claude`, { paths: [ROOT] });
}

const CODEX_JS = join(ROOT, 'node_modules/@openai/codex/bin/codex.js');

/** Prompt + the fake's answer for it. */
function ask(answer: string): string {
  return `Reply with the magic phrase. ${say(answer)}`;
}

async function expectPromptUpstream(answer: string) {
  const chats = await fake.chats();
  expect(chats.length, 'the CLI turn reached the upstream').toBeGreaterThan(0);
  expect(chats.some((c) => c.message.includes(say(answer)))).toBe(true);
}

test.describe('claude code (claude -p)', () => {
  test.describe.configure({ timeout: CLI_KILL_AFTER_MS + 30_000 });

  for (const auth of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'] as const) {
    test(`answers through /v1/messages (${auth})`, async () => {
      await inSandbox(async ({ home, work }) => {
        const answer = `Claude via Grok2API ${auth} ok 7f3a`;
        const env = {
          ...baseEnv(home),
          CLAUDE_CONFIG_DIR: join(home, '.claude'),
          ANTHROPIC_BASE_URL: GATEWAY,
          [auth]: key.key,
          // No vendor traffic: telemetry, error reporting, auto-update, release notes, connectivity preflight.
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
          DISABLE_BUG_COMMAND: '1',
          // A failure should surface at once, not after the CLI's backoff retries.
          CLAUDE_CODE_MAX_RETRIES: '0',
          // Any background "small model" call must name a model the gateway serves.
          ANTHROPIC_DEFAULT_HAIKU_MODEL: 'grok-4',
        };
        const r = await runCli(claudeBinary(), ['-p', ask(answer), '--model', 'grok-4', '--output-format', 'text'], { cwd: work, env });
        expect(r.code, describeRun('claude', r)).toBe(0);
        expect(r.stdout, describeRun('claude', r)).toContain(answer);
        await expectPromptUpstream(answer);
      });
    });
  }
});

test.describe('codex (codex exec)', () => {
  test.describe.configure({ timeout: CLI_KILL_AFTER_MS + 30_000 });

  test('answers through /v1/responses (custom provider, wire_api = "responses")', async () => {
    await inSandbox(async ({ home, work }) => {
      const codexHome = join(home, '.codex');
      mkdirSync(codexHome);
      // Every key here is checked by --strict-config (an unknown key fails the run).
      writeFileSync(
        join(codexHome, 'config.toml'),
        [
          'model = "grok-4"',
          'model_provider = "grok2api"',
          'check_for_update_on_startup = false',
          '',
          '[analytics]',
          'enabled = false',
          '',
          '[feedback]',
          'enabled = false',
          '',
          '[otel]',
          'exporter = "none"',
          'metrics_exporter = "none"',
          'trace_exporter = "none"',
          '',
          '# Curated plugin / app sync reaches github.com and chatgpt.com at startup.',
          '[features]',
          'plugins = false',
          'apps = false',
          'remote_plugin = false',
          '',
          '[model_providers.grok2api]',
          'name = "Grok2API"',
          `base_url = "${GATEWAY}/v1"`,
          'env_key = "GROK2API_KEY"',
          'wire_api = "responses"',
          'request_max_retries = 0',
          'stream_max_retries = 0',
          '',
        ].join('\n'),
      );
      const answer = 'Codex via Grok2API ok 91c2';
      const env = { ...baseEnv(home), CODEX_HOME: codexHome, GROK2API_KEY: key.key };
      const args = [CODEX_JS, 'exec', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--color', 'never', ask(answer)];
      const r = await runCli(process.execPath, args, { cwd: work, env });
      expect(r.code, describeRun('codex', r)).toBe(0);
      expect(r.stdout, describeRun('codex', r)).toContain(answer);
      await expectPromptUpstream(answer);
    });
  });
});
