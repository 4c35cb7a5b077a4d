// Executes a plan (see failures.mjs) on an HTTP response: plain HTTP answers,
// or 200 streams written frame by frame with a delay, honouring backpressure
// and client disconnects. Steps of a stream plan:
//   {frame: object}   one JSON frame (+ "\n", or "data: …\n\n" for SSE)
//   {raw: string|Buffer}  bytes written as they are
//   {pause: ms}       silence
//   {destroy: true}   drop the connection (no proper end of body)
import { sendJson } from './http-util.mjs';

const CONTENT_TYPES = { ndjson: 'application/json', sse: 'text/event-stream' };

export function sendHttpPlan(res, plan) {
  const { status, headers, body } = plan;
  if (typeof body === 'string') {
    const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
    res.writeHead(status, {
      ...(hasType ? {} : { 'Content-Type': 'text/plain; charset=utf-8' }),
      'Content-Length': Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  } else {
    sendJson(res, status, body, headers);
  }
}

/**
 * A `drop` plan (failure kinds `drop` and `hang`): no answer at all, not even a
 * status line; the socket is destroyed after `plan.afterMs` (0 = at once), or
 * earlier when the peer goes away or the fake closes (`active`). Works on the
 * socket of an HTTP request and on that of a WebSocket upgrade alike.
 */
export function runDropPlan(socket, plan, active) {
  return new Promise((resolve) => {
    let timer = null;
    const finish = () => {
      clearTimeout(timer);
      active.delete(finish);
      socket.off('close', finish);
      socket.destroy();
      resolve();
    };
    if (!(plan.afterMs > 0) || socket.destroyed) return finish();
    active.add(finish);
    socket.once('close', finish);
    timer = setTimeout(finish, plan.afterMs);
  });
}

function encode(frame, format) {
  const json = JSON.stringify(frame);
  // `concat`: objects back to back with no separator at all (spec §5.1, CY-4 tolerance).
  return format === 'sse' ? `data: ${json}\n\n` : format === 'concat' ? json : `${json}\n`;
}

/**
 * Stream a plan. `active` is a Set of abort functions the server calls on
 * close(). Resolves when the stream is over (finished, aborted or destroyed).
 */
export async function runStreamPlan(res, plan, { delayMs, active }) {
  let aborted = false;
  let timer = null;
  let wake = null;
  let signalAbort;
  const abortedPromise = new Promise((resolve) => {
    signalAbort = resolve;
  });
  const abort = () => {
    if (aborted) return;
    aborted = true;
    signalAbort();
    clearTimeout(timer);
    timer = null;
    wake?.();
  };
  // Fires on client disconnect (and after a normal finish, harmlessly).
  res.on('close', abort);
  active.add(abort);

  const sleep = (ms) =>
    new Promise((resolve) => {
      if (aborted) return resolve();
      wake = resolve;
      timer = setTimeout(() => {
        timer = null;
        wake = null;
        resolve();
      }, ms);
    });
  const drain = () =>
    new Promise((resolve) => {
      if (aborted) return resolve();
      wake = resolve;
      res.once('drain', () => {
        wake = null;
        resolve();
      });
    });

  try {
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[plan.format] ?? CONTENT_TYPES.ndjson,
      'Cache-Control': 'no-cache',
    });
    res.flushHeaders();
    let wrote = false;
    let flushed = Promise.resolve();
    for (const step of plan.steps) {
      if (aborted) break;
      if (step.pause != null) {
        await sleep(step.pause);
        continue;
      }
      if (step.destroy) {
        await Promise.race([flushed, abortedPromise]); // let the last write reach the socket first
        res.destroy();
        return;
      }
      if (wrote && delayMs > 0) await sleep(delayMs);
      if (aborted) break;
      wrote = true;
      const chunk = step.frame !== undefined ? encode(step.frame, plan.format) : step.raw;
      let ok;
      flushed = new Promise((resolve) => {
        ok = res.write(chunk, () => resolve());
      });
      if (!ok) await drain();
    }
    if (!aborted) {
      if (plan.format === 'sse') res.write('data: [DONE]\n\n');
      res.end();
    }
  } finally {
    abort();
    active.delete(abort);
  }
}
