/**
 * Browser → admin API. Errors come as `{error:{message,type,param,code}}` (settings also `fieldErrors`);
 * `ApiError` carries them so forms can mark fields and toasts can show the API's message.
 */
import { toast } from 'sonner';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly param?: string | null,
    readonly fieldErrors?: Record<string, string>,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export async function api<T = unknown>(path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    credentials: 'same-origin',
  });
  if (!res.ok) throw await toApiError(res);
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('application/json') ? await res.json() : await res.text()) as T;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let message = `HTTP ${res.status}`;
  let code: string | undefined;
  let param: string | null | undefined;
  let fieldErrors: Record<string, string> | undefined;
  try {
    const body = (await res.json()) as { error?: { message?: string; code?: string; param?: string | null }; fieldErrors?: Record<string, string> };
    message = body.error?.message ?? message;
    code = body.error?.code;
    param = body.error?.param;
    fieldErrors = body.fieldErrors;
  } catch {
    /* not JSON */
  }
  const retry = Number(res.headers.get('retry-after'));
  return new ApiError(message, res.status, code, param, fieldErrors, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

/** Shows the API's message; a lost session sends the admin back to the login page. */
export function toastError(e: unknown, fallback = 'Request failed') {
  if (e instanceof ApiError && e.status === 401 && typeof window !== 'undefined' && window.location.pathname.startsWith('/admin')) {
    window.location.assign('/login');
    return;
  }
  toast.error(e instanceof Error && e.message ? e.message : fallback);
}
