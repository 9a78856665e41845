// A typed fetch client for bff-mobile (openapi-fetch over the generated `paths`): what the app uses to
// call the API, with the bearer token and the app's version added to every request.
import createClient from 'openapi-fetch';
import type { Client, Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi-types.ts';

/** Gives the current access token, or nothing when signed out (then no Authorization header is sent). */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

/** Options of createMobileClient. */
export type MobileClientOptions = {
  /** Where bff-mobile is, e.g. `https://api.example` or `http://127.0.0.1:3001` (paths carry `/v1`). */
  baseUrl: string;
  /** The fetch to use (defaults to the global one). */
  fetch?: typeof fetch;
  /** Sent as `X-App-Version` on every request. */
  appVersion?: string;
  /** The initial token provider (see `setTokenProvider`). */
  token?: TokenProvider;
};

/** A typed client of bff-mobile, plus where it takes its bearer token from. */
export type MobileClient = Client<paths> & {
  /** Sets (or, with null, clears) where the client reads the access token before each request. */
  setTokenProvider(provider: TokenProvider | null): void;
};

/** Creates a typed client of bff-mobile that sends `Authorization: Bearer <token>` and `X-App-Version`. */
export function createMobileClient(options: MobileClientOptions): MobileClient {
  let provider: TokenProvider | null = options.token ?? null;
  const appHeaders: Middleware = {
    async onRequest({ request }) {
      const token = provider === null ? null : await provider();
      // A header the caller set on this request wins.
      if (token && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${token}`);
      if (options.appVersion !== undefined && !request.headers.has('X-App-Version')) {
        request.headers.set('X-App-Version', options.appVersion);
      }
      return request;
    },
  };
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  client.use(appHeaders);
  return Object.assign(client, {
    setTokenProvider(next: TokenProvider | null): void {
      provider = next;
    },
  });
}

/** Every path and component of the API, generated from openapi.json by openapi-typescript. */
export type { components, paths } from './generated/openapi-types.ts';
