/** Operator settings: validation, and how soon a saved value reaches the /v1 API. */
import { expect, test } from '@playwright/test';
import type OpenAI from 'openai';
import { THINKING_ANSWER, THINKING_REASONING, freshState, gateway, userMessage } from './helpers';

let client: OpenAI;

test.beforeAll(async () => {
  await gateway.login();
  client = (await gateway.createKey({ name: 'e2e-settings' })).client;
});

test.beforeEach(async () => {
  await freshState(1);
});

test.describe('settings', () => {
  test('GET returns values and defaults; an invalid value → 400 invalid_settings naming the field', async () => {
    const got = await gateway.call('GET', '/api/admin/settings');
    expect(got.status).toBe(200);
    expect(got.json.values).toEqual(got.json.defaults);
    expect(got.json.defaults).toMatchObject({ reasoning_output: 'reasoning_content', upstream_profile: 'B', max_retries: 2, keepalive_seconds: 15 });

    const bad = await gateway.call('PUT', '/api/admin/settings', { keepalive_seconds: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_settings', param: 'keepalive_seconds', type: 'invalid_request_error' });
    expect(bad.json.fieldErrors).toHaveProperty('keepalive_seconds');
    const unknown = await gateway.call('PUT', '/api/admin/settings', { no_such_setting: true });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.param).toBe('no_such_setting');
    expect((await gateway.call('GET', '/api/admin/settings')).json.values.keepalive_seconds).toBe(15);
  });

  test('a saved setting applies to the very next /v1 request (single local isolate)', async () => {
    const ask = { model: 'grok-4.1-thinking', messages: userMessage('Sum 1..10 #scenario:thinking') };
    // Warm the /v1 route (and any settings cache it keeps) with the default mode.
    const before = await client.chat.completions.create(ask);
    expect((before.choices[0].message as { reasoning_content?: string }).reasoning_content).toBe(THINKING_REASONING);

    await gateway.putSettings({ reasoning_output: 'hidden' });
    const after = await client.chat.completions.create(ask);
    expect(after.choices[0].message.content).toBe(THINKING_ANSWER);
    expect(after.choices[0].message).not.toHaveProperty('reasoning_content');
  });
});
