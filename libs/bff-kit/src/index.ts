// The public surface of the kit: what every Backend-for-Frontend here does the same way. A BFF keeps only what its
// client needs different (auth transport, CSRF, pagination style, presenters, routes, its own settings).
export * from './settings.ts';
export * from './problem.ts';
export * from './error-handler.ts';
export * from './logger.ts';
export * from './security-headers.ts';
export * from './api-versions.ts';
export * from './rate-limits.ts';
export * from './ops-routes.ts';
export * from './request-body.ts';
export * from './static-files.ts';
export * from './http-caching.ts';
export * from './one-write.ts';
export * from './parsed-queries.ts';
