// Every call to bff-web's /api/v1 goes through the contract's typed client (same origin, the session cookie,
// `X-CSRF: 1` on writes); a problem+json answer becomes an ApiError. The client module imports no zod.
import { createWebClient } from '@microblog/web-contract/client';
import type { FieldError, Problem } from '@microblog/web-contract';

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

/** bff-web on this origin (baseUrl ''), as typed by the web contract. */
const client = createWebClient({ baseUrl: '', headers: { Accept: 'application/json' } });

/** What every client call resolves to: the typed body on success, the parsed error body otherwise. */
type Answer<T> = { data?: T; error?: unknown; response: Response };

/** Waits for a client call: its body when it succeeded, else an ApiError (a 401 also signs the app out). */
async function settle<T>(call: Promise<Answer<T>>, options: { quiet401?: boolean } = {}): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new ApiError(
        0,
        problemFor(502, 'Unreadable answer', 'The server sent an answer the app could not read. Try again.'),
      );
    }
    throw new ApiError(
      0,
      problemFor(503, 'Network error', 'Could not reach the server. Check your connection and try again.'),
    );
  }
  const { response } = answer;
  if (response.ok) return answer.data as T;
  const problem = isProblem(answer.error)
    ? answer.error
    : problemFor(response.status, response.statusText || 'Request failed', `The server answered ${response.status}.`);
  if (response.status === 401 && !options.quiet401) onUnauthenticated();
  throw new ApiError(response.status, problem);
}

/** `?page=` only past the first page, as the app's links write it. */
const pageQuery = (page: number): { page?: string } => (page === 1 ? {} : { page: String(page) });
const user = (username: string) => ({ path: { username } });
const micropost = (id: string) => ({ path: { id } });

/** The API, one function per operation of the web contract. */
export const api = {
  getSession: () => settle(client.GET('/api/v1/session'), { quiet401: true }),
  signIn: (body: { username: string; password: string }) =>
    settle(client.POST('/api/v1/session', { body }), { quiet401: true }),
  signUp: (body: { username: string; password: string; displayName?: string }) =>
    settle(client.POST('/api/v1/users', { body })),
  signOut: () => settle(client.DELETE('/api/v1/session'), { quiet401: true }),
  updateMe: (body: { displayName?: string; bio?: string }) => settle(client.PATCH('/api/v1/me', { body })),
  changePassword: (body: { currentPassword: string; newPassword: string }) =>
    settle(client.PUT('/api/v1/me/password', { body })),
  mySessions: () => settle(client.GET('/api/v1/me/sessions')),
  revokeMySession: (id: string) => settle(client.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } })),
  deleteAccount: (password: string) => settle(client.POST('/api/v1/me/deletion', { body: { password } })),

  timeline: (page: number) => settle(client.GET('/api/v1/timeline', { params: { query: pageQuery(page) } })),
  createMicropost: (text: string) => settle(client.POST('/api/v1/microposts', { body: { text } })),
  editMicropost: (id: string, text: string) =>
    settle(client.PATCH('/api/v1/microposts/{id}', { params: micropost(id), body: { text } })),
  getMicropost: (id: string) => settle(client.GET('/api/v1/microposts/{id}', { params: micropost(id) })),
  deleteMicropost: (id: string) => settle(client.DELETE('/api/v1/microposts/{id}', { params: micropost(id) })),
  search: (q: string, page: number, order?: 'newest' | 'relevance') =>
    settle(
      client.GET('/api/v1/search', {
        params: { query: { q, ...pageQuery(page), ...(order === undefined ? {} : { order }) } },
      }),
    ),

  profile: (username: string) => settle(client.GET('/api/v1/users/{username}', { params: user(username) })),
  userMicroposts: (username: string, page: number) =>
    settle(
      client.GET('/api/v1/users/{username}/microposts', { params: { ...user(username), query: pageQuery(page) } }),
    ),
  followers: (username: string, page: number) =>
    settle(client.GET('/api/v1/users/{username}/followers', { params: { ...user(username), query: pageQuery(page) } })),
  following: (username: string, page: number) =>
    settle(client.GET('/api/v1/users/{username}/following', { params: { ...user(username), query: pageQuery(page) } })),
  searchPeople: (q: string, page: number, perPage?: number) =>
    settle(
      client.GET('/api/v1/search/users', {
        params: { query: { q, ...pageQuery(page), ...(perPage === undefined ? {} : { per_page: String(perPage) }) } },
      }),
    ),
  suggestions: () => settle(client.GET('/api/v1/suggestions')),
  notifications: (page: number) => settle(client.GET('/api/v1/notifications', { params: { query: pageQuery(page) } })),
  unreadNotifications: () => settle(client.GET('/api/v1/notifications/unread')),
  markNotificationsRead: (lastReadId: string) =>
    settle(client.PUT('/api/v1/notifications/read-marker', { body: { lastReadId } })),
  follow: (username: string) => settle(client.PUT('/api/v1/users/{username}/follow', { params: user(username) })),
  unfollow: (username: string) => settle(client.DELETE('/api/v1/users/{username}/follow', { params: user(username) })),

  identityProviders: () => settle(client.GET('/api/v1/auth/providers')),
  startProviderSignIn: (provider: string, purpose: 'sign_in' | 'link' = 'sign_in') =>
    settle(
      client.POST('/api/v1/auth/providers/{provider}/authorization', {
        params: { path: { provider } },
        body: { purpose },
      }),
    ),
  finishProviderSignIn: (body: { code: string; state: string; iss?: string }) =>
    settle(client.POST('/api/v1/auth/oidc/callback', { body }), { quiet401: true }),
  finishProviderSignUp: (username: string) =>
    settle(client.POST('/api/v1/auth/oidc/signup', { body: { username } }), { quiet401: true }),
  signOutWithProvider: () => settle(client.POST('/api/v1/auth/sign-out'), { quiet401: true }),
  signInMethods: () => settle(client.GET('/api/v1/me/sign-in-methods')),
  unlinkProvider: (provider: string) =>
    settle(client.DELETE('/api/v1/me/sign-in-methods/{provider}', { params: { path: { provider } } })),
};
