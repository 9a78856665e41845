// Tracing end to end: bff-web started as `npm start` starts it (with the kit's tracing preload), a local OTLP/HTTP
// receiver standing in for the collector, one request carrying a W3C traceparent, and the spans that arrive.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import nock from 'nock';
import { spawnBff } from '@microblog/bff-kit/testing';
import { makeUser, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { TEST_JWT_SECRET } from './helpers.ts';
import { suite } from './setup.ts';

type OtlpValue = { stringValue?: string; intValue?: string | number };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: OtlpValue }>;
};
type ReceivedSpan = OtlpSpan & { scope: string; service: string | undefined };

/** An OTLP/HTTP receiver for traces in JSON (what the exporter sends by default). */
async function otlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        const payload = JSON.parse(body) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: OtlpValue }> };
            scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
          }>;
        };
        for (const resourceSpans of payload.resourceSpans) {
          const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const scopeSpans of resourceSpans.scopeSpans) {
            for (const span of scopeSpans.spans) spans.push({ ...span, scope: scopeSpans.scope.name, service });
          }
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

describe('tracing (bff-web with the kit preload and OTEL_EXPORTER_OTLP_ENDPOINT set)', function () {
  this.timeout(60_000);
  before(() => nock.restore());
  after(() => nock.activate());

  it('continues the caller traceparent: one server span named by the route template, a child span per SQL statement', async () => {
    const receiver = await otlpReceiver();
    const user = await makeUser(suite.database().context());
    const bff = await spawnBff({
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      preload: '@microblog/bff-kit/tracing',
      script: 'src/main.ts',
      env: {
        DATABASE_URL: suite.url(),
        TOKEN_SECRET: TEST_TOKEN_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        WEB_PORT: '0',
        METRICS_PORT: 'off',
        LOG_LEVEL: 'info',
        REDIS_URL: '',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'bff-web',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    try {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const callerSpanId = 'b7ad6b7169203331';
      const response = await fetch(`http://127.0.0.1:${bff.listening.port as number}/api/v1/users/${user.username}`, {
        headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
      });
      expect(response.status).to.equal(200);

      const ofTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
      for (let i = 0; i < 100 && !ofTrace().some((s) => s.kind === 2); i++) await new Promise((resolve) => setTimeout(resolve, 50));

      const spans = ofTrace();
      const server = spans.find((s) => s.kind === 2);
      expect(server, JSON.stringify(receiver.spans.map((s) => [s.name, s.scope, s.traceId]))).not.to.equal(undefined);
      expect(server!.name).to.equal('GET /api/v1/users/:username');
      expect(server!.parentSpanId).to.equal(callerSpanId);
      expect(server!.service).to.equal('bff-web');
      expect(attribute(server!, 'http.route')).to.equal('/api/v1/users/:username');
      expect(attribute(server!, 'http.response.status_code') ?? attribute(server!, 'http.status_code')).to.equal(200);

      const pg = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg');
      const statements = pg.filter((s) => attribute(s, 'db.query.text') !== undefined);
      expect(statements.length).to.be.at.least(1);
      const ids = new Set(spans.map((s) => s.spanId));
      for (const statement of pg) {
        // Each pg span is a client span inside this request's tree.
        expect(statement.kind).to.equal(3);
        expect(ids.has(statement.parentSpanId ?? '')).to.equal(true);
      }
      expect(statements.map((s) => attribute(s, 'db.query.text'))).to.include(`select "u0".* from "users" as "u0" where "u0"."username_key" = ? limit ?`);
      // The statement's shape travels, the user's values do not (MikroORM inlines them; the kit strips literals).
      expect(JSON.stringify(pg).toLowerCase()).not.to.include(user.username.toLowerCase());
      // Probes are not traced.
      await fetch(`http://127.0.0.1:${bff.listening.port as number}/readyz`);
    } finally {
      bff.child.kill('SIGTERM');
      await bff.exited;
      await receiver.close();
    }
    expect(receiver.spans.some((s) => attribute(s, 'url.path') === '/readyz' || s.name.includes('/readyz'))).to.equal(false);
  });
});
