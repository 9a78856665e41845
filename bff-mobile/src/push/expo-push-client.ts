// Talks Expo's push API format: POST {baseUrl}/--/api/v2/push/send with up to 100 messages, one ticket back per message.

/** One notification for one device, as Expo's push API takes it. */
export type PushMessage = {
  to: string;
  title: string;
  body: string;
  data: Record<string, string>;
  sound: 'default';
};

/** What the push service said about one message (tickets come back in the order of the messages). */
export type PushTicket =
  | { token: string; status: 'ok'; id: string }
  /** `error` is Expo's `details.error` (e.g. `DeviceNotRegistered`), or null when it gave none. */
  | { token: string; status: 'error'; error: string | null; message: string };

/** How a send went: tickets per token, or a failure worth retrying, or one that will fail again. */
export type SendOutcome =
  | { kind: 'sent'; tickets: PushTicket[] }
  | { kind: 'retryable'; reason: string; retryAfterMs: number | null }
  | { kind: 'permanent'; reason: string };

/** Where the push service is and how to reach it. */
export type PushClientOptions = {
  /** e.g. `https://exp.host` (no trailing path). */
  baseUrl: string;
  /** Expo access token, sent as a bearer token when push security is enabled for the project. */
  accessToken?: string | undefined;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
};

/** Sends push messages. */
export type PushClient = { send(messages: PushMessage[]): Promise<SendOutcome> };

/** Expo's limit on messages per request. */
export const MAX_MESSAGES_PER_REQUEST = 100;

type RawTicket = { status?: unknown; id?: unknown; message?: unknown; details?: { error?: unknown } };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Seconds or an HTTP date in `Retry-After`, as milliseconds from now; null when absent or unreadable. */
function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** fetch rejects with a bare "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, ...) is in its cause. */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const detail =
    cause instanceof Error
      ? ((cause as { code?: unknown }).code ?? cause.message)
      : error instanceof Error
        ? error.message
        : error;
  return `network error: ${String(detail)}`;
}

function toTicket(token: string, raw: unknown): PushTicket {
  const ticket: RawTicket = isRecord(raw) ? raw : {};
  if (ticket.status === 'ok') return { token, status: 'ok', id: typeof ticket.id === 'string' ? ticket.id : '' };
  const error = isRecord(ticket.details) && typeof ticket.details.error === 'string' ? ticket.details.error : null;
  const message = typeof ticket.message === 'string' ? ticket.message : 'no ticket for this message';
  return { token, status: 'error', error, message };
}

/** A client for Expo's push API (or anything that speaks its format). */
export function createExpoPushClient(options: PushClientOptions): PushClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/--/api/v2/push/send`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;

  async function sendChunk(messages: PushMessage[]): Promise<SendOutcome> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify(messages),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // Refused, reset, DNS, timeout: the service may be back soon.
      return { kind: 'retryable', reason: describeNetworkError(error, timeoutMs), retryAfterMs: null };
    }
    if (response.status === 429 || response.status >= 500) {
      return {
        kind: 'retryable',
        reason: `push service answered ${response.status}`,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
      };
    }
    if (response.status < 200 || response.status >= 300) {
      return { kind: 'permanent', reason: `push service answered ${response.status}: ${text.slice(0, 500)}` };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const data = isRecord(parsed) ? parsed.data : undefined;
    if (!Array.isArray(data)) {
      // A 2xx without tickets is a request-level error (Expo puts those in `errors`) or a proxy's page.
      return {
        kind: 'permanent',
        reason: `push service answered ${response.status} without tickets: ${text.slice(0, 500)}`,
      };
    }
    return { kind: 'sent', tickets: messages.map((m, i) => toTicket(m.to, data[i])) };
  }

  return {
    async send(messages) {
      const tickets: PushTicket[] = [];
      for (let i = 0; i < messages.length; i += MAX_MESSAGES_PER_REQUEST) {
        const outcome = await sendChunk(messages.slice(i, i + MAX_MESSAGES_PER_REQUEST));
        // A later chunk failing means the whole batch is retried; earlier chunks may then arrive twice (rare: >100 devices).
        if (outcome.kind !== 'sent') return outcome;
        tickets.push(...outcome.tickets);
      }
      return { kind: 'sent', tickets };
    },
  };
}
