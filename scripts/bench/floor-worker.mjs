// The bench's floor: the least an OpenAI-compatible worker in front of grok must do. Read the body, call the
// upstream conversation endpoint, split NDJSON, JSON.parse each frame, and emit OpenAI SSE chunks (stream) or
// one chat.completion. No auth, pool, retries, logging or database: whatever the gateway costs above this is
// the price of its features. Served by the same Miniflare setup as the gateway (scripts/server.mjs).
const enc = new TextEncoder();

function splitFrames(onFrame) {
  const dec = new TextDecoder();
  let buf = '';
  return (bytes, last) => {
    buf += bytes ? dec.decode(bytes, { stream: !last }) : dec.decode();
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onFrame(JSON.parse(line));
    }
    if (last && buf.trim()) onFrame(JSON.parse(buf));
  };
}

const tokenOf = (frame) => {
  const r = frame?.result?.response;
  return r && typeof r.token === 'string' && !r.isThinking && r.messageTag !== 'raw_function_result' ? r.token : undefined;
};

export default {
  async fetch(req, env, ctx) {
    const url = new URL(req.url);
    if (url.pathname === '/health') return new Response('ok');
    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') return new Response('not found', { status: 404 });
    const body = await req.json();
    const message = body.messages.map((m) => m.content).join('\n');
    const upstream = await fetch(`${env.GROK_BASE_URL}/rest/app-chat/conversations/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `sso=${env.FLOOR_TOKEN}` },
      body: JSON.stringify({ message, modelName: 'grok-4', modelMode: 'MODEL_MODE_GROK_4', fileAttachments: [] }),
    });
    const id = `chatcmpl-floor${Date.now()}`;
    const created = Math.floor(Date.now() / 1000);
    const reader = upstream.body.getReader();

    if (!body.stream) {
      let content = '';
      const split = splitFrames((f) => {
        const t = tokenOf(f);
        if (t) content += t;
      });
      for (;;) {
        const { done, value } = await reader.read();
        split(value, done);
        if (done) break;
      }
      return Response.json({
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    }

    const chunk = (delta, finish = null) =>
      enc.encode(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk({ role: 'assistant', content: '' }));
        const split = splitFrames((f) => {
          const t = tokenOf(f);
          if (t) controller.enqueue(chunk({ content: t }));
        });
        const pump = (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            split(value, done);
            if (done) break;
          }
          controller.enqueue(chunk({}, 'stop'));
          controller.enqueue(enc.encode('data: [DONE]\n\n'));
          controller.close();
        })().catch((e) => controller.error(e));
        ctx.waitUntil(pump);
      },
      cancel: () => reader.cancel(),
    });
    return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } });
  },
};
