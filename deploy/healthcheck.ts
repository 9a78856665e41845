// The image's HEALTHCHECK: GET /healthz on this container's BFF: HEALTHCHECK_URL when set, else MOBILE_PORT when
// BFF=mobile (set it beside the bff-mobile command), else WEB_PORT. Exit 0 when it answers 2xx within 2 s.
const mobile = process.env.BFF === 'mobile';
const port = mobile ? (process.env.MOBILE_PORT ?? '3001') : (process.env.WEB_PORT ?? '3000');
const url = process.env.HEALTHCHECK_URL ?? `http://127.0.0.1:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
