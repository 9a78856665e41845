// Tracing end to end: bff-web started as `npm start` starts it (with the kit's tracing preload), a local OTLP/HTTP
// receiver standing in for the collector, one request carrying a W3C traceparent, and the spans that arrive.
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import nock from 'nock';
import { otlpReceiver, spanAttribute as attribute, spawnBff } from '@microblog/bff-kit/testing';
import { makeUser, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { TEST_JWT_SECRET } from './helpers.ts';
import { suite } from './setup.ts';

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
      for (let i = 0; i < 100 && !ofTrace().some((s) => s.kind === 2); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));

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
      expect(statements.map((s) => attribute(s, 'db.query.text'))).to.include(
        `select "u0".* from "users" as "u0" where "u0"."username_key" = ? limit ?`,
      );
      // The statement's shape travels, the user's values do not (MikroORM inlines them; the kit strips literals).
      expect(JSON.stringify(pg).toLowerCase()).not.to.include(user.username.toLowerCase());
      // Probes are not traced.
      await fetch(`http://127.0.0.1:${bff.listening.port as number}/readyz`);
    } finally {
      bff.child.kill('SIGTERM');
      await bff.exited;
      await receiver.close();
    }
    expect(receiver.spans.some((s) => attribute(s, 'url.path') === '/readyz' || s.name.includes('/readyz'))).to.equal(
      false,
    );
  });
});
