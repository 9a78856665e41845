// A typed fetch client for bff-web (openapi-fetch over the generated `paths`). Imports no zod, so a
// browser bundle can take it alone: `import { createWebClient } from '@microblog/web-contract/client'`.
import createClient from 'openapi-fetch';
import type { Client, HeadersOptions, Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi-types.ts';

/** An operation whose `x-csrf` header the client's middleware supplies, so callers need not pass it. */
type CsrfSupplied<Op> = Op extends { parameters: { header: infer Header } }
  ? Omit<Op, 'parameters'> & { parameters: Omit<Op['parameters'], 'header'> & { header?: Partial<Header> } }
  : Op;

/** The generated `paths` with the `X-CSRF` header of every write left to the client (it always sends it). */
export type WebPaths = { [Path in keyof paths]: { [Method in keyof paths[Path]]: CsrfSupplied<paths[Path][Method]> } };

/** A typed client of bff-web: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` by contract path. */
export type WebClient = Client<WebPaths>;

/** Options of createWebClient. */
export type WebClientOptions = {
  /** Where bff-web is: `''` for same-origin from the browser, `http://127.0.0.1:3000` from a test. */
  baseUrl: string;
  /** The fetch to use (defaults to the global one). */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  headers?: HeadersOptions;
};

/** Adds `X-CSRF: 1` to every non-GET request, as bff-web requires of the browser. */
export const csrfHeader: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('X-CSRF', '1');
    return request;
  },
};

/** Creates a typed client of bff-web that sends `X-CSRF: 1` on every write and the same-origin cookie. */
export function createWebClient(options: WebClientOptions): WebClient {
  const client = createClient<WebPaths>({
    baseUrl: options.baseUrl,
    credentials: 'same-origin',
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  client.use(csrfHeader);
  return client;
}

/** Every path and component of the API, generated from openapi.json by openapi-typescript. */
export type { components, paths } from './generated/openapi-types.ts';
