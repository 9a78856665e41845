// Every call to bff-web's /api/v1: same-origin cookie, `X-CSRF: 1` on writes, problem+json turned into ApiError.
import type {
  CurrentUser,
  FieldError,
  Micropost,
  MicropostPage,
  Problem,
  Profile,
  Relationship,
  SessionInfo,
  UserPage,
} from '@microblog/web-contract';

/** A failed call: the server's problem (or one made up for a network failure or a non-problem body). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** Field errors by field name; errors without a known field are reported with the detail. */
  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? [];
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Called when the server says the session is gone, so the app can show the sign-in screen. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && 'title' in body && 'code' in body;
}

function problemFor(status: number, title: string, detail?: string): Problem {
  const problem: Problem = { type: 'about:blank', title, status: status >= 400 ? status : 500, code: 'unavailable' };
  if (detail !== undefined) problem.detail = detail;
  return problem;
}

async function request<T>(method: Method, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF'] = '1';
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch {
    throw new ApiError(0, problemFor(503, 'Network error', 'Could not reach the server. Check your connection and try again.'));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) return parsed as T;
  const problem = isProblem(parsed)
    ? parsed
    : problemFor(response.status, response.statusText || 'Request failed', `The server answered ${response.status}.`);
  if (response.status === 401 && !options.quiet401) onUnauthenticated();
  throw new ApiError(response.status, problem);
}

function pageQuery(page: number, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams(extra);
  if (page !== 1) query.set('page', String(page));
  const s = query.toString();
  return s === '' ? '' : `?${s}`;
}

const user = (username: string): string => `/users/${encodeURIComponent(username)}`;

/** The API, one function per operation of the web contract. */
export const api = {
  getSession: () => request<SessionInfo>('GET', '/session', undefined, { quiet401: true }),
  signIn: (body: { username: string; password: string }) =>
    request<SessionInfo>('POST', '/session', body, { quiet401: true }),
  signUp: (body: { username: string; password: string; displayName?: string }) =>
    request<SessionInfo>('POST', '/users', body),
  signOut: () => request<void>('DELETE', '/session', undefined, { quiet401: true }),
  updateMe: (body: { displayName?: string; bio?: string }) => request<CurrentUser>('PATCH', '/me', body),

  timeline: (page: number) => request<MicropostPage>('GET', `/timeline${pageQuery(page)}`),
  createMicropost: (text: string) => request<Micropost>('POST', '/microposts', { text }),
  editMicropost: (id: string, text: string) => request<Micropost>('PATCH', `/microposts/${encodeURIComponent(id)}`, { text }),
  deleteMicropost: (id: string) => request<void>('DELETE', `/microposts/${encodeURIComponent(id)}`),
  search: (q: string, page: number) => request<MicropostPage>('GET', `/search${pageQuery(page, { q })}`),

  profile: (username: string) => request<Profile>('GET', user(username)),
  userMicroposts: (username: string, page: number) =>
    request<MicropostPage>('GET', `${user(username)}/microposts${pageQuery(page)}`),
  followers: (username: string, page: number) => request<UserPage>('GET', `${user(username)}/followers${pageQuery(page)}`),
  following: (username: string, page: number) => request<UserPage>('GET', `${user(username)}/following${pageQuery(page)}`),
  follow: (username: string) => request<Relationship>('PUT', `${user(username)}/follow`),
  unfollow: (username: string) => request<Relationship>('DELETE', `${user(username)}/follow`),
};
