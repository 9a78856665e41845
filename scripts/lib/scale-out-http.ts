// The proof's clients: a browser (session cookie + X-CSRF) and a phone app (bearer + refresh token + device), each
// with its own loopback source address (127.x.y.z), so per-address limits see distinct clients through the
// balancer, as real users behind it are.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';

// Bodies are read field by field by the checks.
// oxlint-disable-next-line typescript/no-explicit-any
export type Answer = { status: number; headers: http.IncomingHttpHeaders; body: any; error?: string };

/** One HTTP exchange; a socket error or timeout is status 0 with the error's code. */
export function request(
  agent: http.Agent,
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: unknown = text;
          try {
            body = text === '' ? null : JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('error', (e) =>
          resolve({ status: 0, headers: {}, body: null, error: (e as NodeJS.ErrnoException).code ?? e.message }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) =>
      resolve({ status: 0, headers: {}, body: null, error: (e as NodeJS.ErrnoException).code ?? e.message }),
    );
    req.end(payload);
  });
}

/** A loopback address of its own for each client of a run: 127.<run>.<run>.<n>. */
export function addressAllocator(): () => string {
  const [a, b] = randomBytes(2);
  let next = 1;
  return () => {
    next++;
    if (next > 254) throw new Error('more than 253 clients in one run');
    return `127.${((a ?? 0) % 250) + 2}.${b ?? 0}.${next}`;
  };
}

export const PASSWORD = 'scale-out proof password 2026';
export const APP_VERSION = '1.0.0';

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A browser: one cookie jar; talks to any base URL (the balancer or one instance). */
export class Browser {
  readonly agent: http.Agent;
  readonly username: string;
  cookie = '';
  userId = '';
  constructor(address: string, username = uniqueName('web')) {
    this.agent = new http.Agent({ keepAlive: true, localAddress: address, maxSockets: 4 });
    this.username = username;
  }
  async call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { 'x-csrf': '1' };
    if (this.cookie) headers.cookie = this.cookie;
    const answer = await request(this.agent, base, method, `/api/v1${path}`, { headers, body });
    const set = answer.headers['set-cookie']?.find((c) => c.startsWith('__Host-session='));
    if (set) this.cookie = set.split(';')[0] as string;
    return answer;
  }
  async signUp(base: string): Promise<void> {
    const answer = await this.call(base, 'POST', '/users', { username: this.username, password: PASSWORD });
    if (answer.status !== 201) throw new Error(`web sign-up answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    this.userId = String(answer.body.user?.id ?? answer.body.id ?? '');
  }
  close(): void {
    this.agent.destroy();
  }
}

/** A phone: one device, its token pair; talks to any base URL. */
export class Phone {
  readonly agent: http.Agent;
  readonly username: string;
  readonly deviceId = `proof-${randomUUID()}`;
  accessToken = '';
  refreshToken = '';
  userId = '';
  constructor(address: string, username = uniqueName('app')) {
    this.agent = new http.Agent({ keepAlive: true, localAddress: address, maxSockets: 4 });
    this.username = username;
  }
  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'x-app-version': APP_VERSION,
      ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}),
      ...extra,
    };
  }
  call(
    base: string,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    return request(this.agent, base, method, path, { headers: this.headers(options.headers), body: options.body });
  }
  private take(answer: Answer): void {
    this.accessToken = answer.body.accessToken;
    this.refreshToken = answer.body.refreshToken;
    this.userId = String(answer.body.user.id);
  }
  async signUp(base: string): Promise<void> {
    const device = { id: this.deviceId, name: 'scale-out proof', platform: 'android' };
    const answer = await this.call(base, 'POST', '/v1/users', {
      body: { username: this.username, password: PASSWORD, device },
    });
    if (answer.status !== 201)
      throw new Error(`mobile sign-up answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    this.take(answer);
  }
  /** Signs the same user in on another device: a second session, returned as a new Phone. */
  async anotherDevice(base: string, address: string): Promise<Phone> {
    const other = new Phone(address, this.username);
    const device = { id: other.deviceId, name: 'second device', platform: 'ios' };
    const answer = await other.call(base, 'POST', '/v1/auth/token', {
      body: { username: this.username, password: PASSWORD, device },
    });
    if (answer.status !== 200)
      throw new Error(`mobile sign-in answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    other.take(answer);
    return other;
  }
  async refresh(base: string, refreshToken = this.refreshToken): Promise<Answer> {
    const answer = await this.call(base, 'POST', '/v1/auth/refresh', { body: { refreshToken } });
    if (answer.status === 200) this.take(answer);
    return answer;
  }
  post(base: string, text: string, key: string): Promise<Answer> {
    return this.call(base, 'POST', '/v1/posts', { body: { text }, headers: { 'idempotency-key': key } });
  }
  async timelineTexts(base: string): Promise<{ status: number; texts: string[] }> {
    const answer = await this.call(base, 'GET', '/v1/timeline?limit=50');
    return {
      status: answer.status,
      texts: answer.status === 200 ? answer.body.items.map((i: { text: string }) => i.text) : [],
    };
  }
  /** The texts of `username`'s posts, first page (read on a replica when one is safe to use). */
  async postTexts(base: string, username: string): Promise<{ status: number; texts: string[] }> {
    const answer = await this.call(base, 'GET', `/v1/users/${encodeURIComponent(username)}/posts?limit=50`);
    return {
      status: answer.status,
      texts: answer.status === 200 ? answer.body.items.map((i: { text: string }) => i.text) : [],
    };
  }
  close(): void {
    this.agent.destroy();
  }
}
