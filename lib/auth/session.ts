/**
 * @module auth/session
 * Admin sessions: a random id in an HttpOnly SameSite=Strict cookie; only its SHA-256 is stored, so a
 * leaked database does not leak live sessions.
 */
import { deleteSession, findAdminById, findSession, insertSession } from '@/lib/db/admins';
import type { Db } from '@/lib/db/client';
import type { AdminUserRow } from '@/lib/db/schema';
import { randomId, sha256Hex } from '@/lib/crypto';

export const SESSION_COOKIE = 'g2a_session';
const SESSION_TTL_MS = 7 * 86_400_000;

function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined; // a mangled cookie is no session, not a 500
    }
  }
  return undefined;
}

function cookie(req: Request, value: string, maxAgeSeconds: number): string {
  const secure = new URL(req.url).protocol === 'https:' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export async function createSession(db: Db, req: Request, userId: string, now: number): Promise<string> {
  const id = randomId(32);
  await insertSession(db, { idHash: await sha256Hex(`session:${id}`), userId, expiresAt: now + SESSION_TTL_MS, createdAt: now });
  return cookie(req, id, SESSION_TTL_MS / 1000);
}

export function clearSessionCookie(req: Request): string {
  return cookie(req, '', 0);
}

export async function currentAdmin(db: Db, req: Request, now: number): Promise<{ user: AdminUserRow; sessionHash: string } | undefined> {
  return adminForSessionId(db, readCookie(req, SESSION_COOKIE), now);
}

/** The same lookup from a raw cookie value (server components read cookies through next/headers). */
export async function adminForSessionId(db: Db, id: string | undefined, now: number): Promise<{ user: AdminUserRow; sessionHash: string } | undefined> {
  if (!id) return undefined;
  const sessionHash = await sha256Hex(`session:${id}`);
  const session = await findSession(db, sessionHash, now);
  if (!session) return undefined;
  const user = await findAdminById(db, session.userId);
  return user ? { user, sessionHash } : undefined;
}

export async function endSession(db: Db, sessionHash: string): Promise<void> {
  await deleteSession(db, sessionHash);
}
