// One open WebSocket session of the fake: JSON frames with backpressure,
// abortable sleeps, and the call-log entry of what the client sent.
import { WebSocket } from 'ws';

/** Client messages kept per session in the call log. */
const MAX_LOGGED_MESSAGES = 10_000;
/** Send-buffer level above which a sender waits for the socket to drain. */
const HIGH_WATER = 1024 * 1024;

/**
 * One open WebSocket session: JSON sending with backpressure, abortable
 * sleeps, logging of what the client sent.
 */
export class WsConn {
  constructor(ws, entry) {
    this.ws = ws;
    this.entry = entry;
    this.closed = false;
    this.sleepers = new Set();
    ws.on('close', (code) => {
      this.closed = true;
      entry.closeCode = code;
      for (const s of this.sleepers) {
        clearTimeout(s.timer);
        s.resolve();
      }
      this.sleepers.clear();
    });
    ws.on('error', () => {}); // a reset socket ends up in 'close' as well
  }

  get open() {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Log one client message (parsed JSON, else `{raw}` / `{binary: bytes}`). */
  log(message) {
    const list = this.entry.messages;
    if (list.length < MAX_LOGGED_MESSAGES) list.push(message);
  }

  /** Send one JSON text frame; resolves false when the socket is gone. */
  async send(obj) {
    if (!this.open) return false;
    this.entry.framesSent += 1;
    const data = JSON.stringify(obj);
    if (this.ws.bufferedAmount > HIGH_WATER) {
      await new Promise((resolve) => this.ws.send(data, () => resolve()));
    } else {
      this.ws.send(data);
    }
    return this.open;
  }

  /** Wait `ms` (ends early when the socket closes). */
  sleep(ms) {
    if (!this.open || !(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const s = { resolve };
      s.timer = setTimeout(() => {
        this.sleepers.delete(s);
        resolve();
      }, ms);
      this.sleepers.add(s);
    });
  }

  close(code = 1000, reason) {
    if (this.open) this.ws.close(code, reason);
  }

  /** Drop the TCP connection without a close frame. */
  terminate() {
    this.ws.terminate();
  }
}

/** Parse a text message: `{ok:true, value}` or `{ok:false, logged}`. */
export function parseMessage(data, isBinary) {
  if (isBinary) return { ok: false, logged: { binary: data.length } };
  const text = data.toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, logged: { raw: text.length > 4096 ? `${text.slice(0, 4096)}…` : text } };
  }
}
