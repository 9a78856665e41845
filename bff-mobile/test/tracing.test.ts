// Tracing end to end for bff-mobile: started with the kit's preload, a local OTLP/HTTP receiver, one request with a
// W3C traceparent; the push dispatcher's background statements make no orphan traces.
import { fileURLToPath } from 'node:url';
import { makeUser, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { otlpReceiver, spanAttribute as attribute, spawnBff } from '@microblog/bff-kit/testing';
import { expect } from 'chai';
import nock from 'nock';
import { JWT_SECRET } from './helpers.ts';
import { suite } from './setup.ts';

describe('tracing (bff-mobile with the kit preload and OTEL_EXPORTER_OTLP_ENDPOINT set)', function () {
  this.timeout(60_000);
  before(() => nock.restore());
  after(() => nock.activate());

  it('continues the caller traceparent: a server span named by the route template with its SQL spans beneath', async () => {
    const receiver = await otlpReceiver();
    const user = await makeUser(suite.database().context());
    const bff = await spawnBff({
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      preload: '@microblog/bff-kit/tracing',
      script: 'src/main.ts',
      env: {
        DATABASE_URL: suite.url(),
        TOKEN_SECRET: TEST_TOKEN_SECRET,
        JWT_SECRET,
        MOBILE_PORT: '0',
        METRICS_PORT: 'off',
        LOG_LEVEL: 'info',
        REDIS_URL: '',
        PUSH_BASE_URL: 'http://127.0.0.1:9',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'bff-mobile',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const callerSpanId = '00f067aa0ba902b7';
      const response = await fetch(
        `${bff.listening.url as string}/v1/users/${user.username}`.replace('localhost', '127.0.0.1'),
        {
          headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
        },
      );
      expect(response.status).to.equal(200);
      const ofTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
      for (let i = 0; i < 100 && !ofTrace().some((s) => s.kind === 2); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      // Let the dispatcher tick once more, so a background statement would have been exported by now.
      await new Promise((resolve) => setTimeout(resolve, 1200));

      const spans = ofTrace();
      const server = spans.find((s) => s.kind === 2);
      expect(server?.name).to.equal('GET /v1/users/:username');
      expect(server?.parentSpanId).to.equal(callerSpanId);
      expect(server?.service).to.equal('bff-mobile');
      expect(attribute(server!, 'http.route')).to.equal('/v1/users/:username');
      const ids = new Set(spans.map((s) => s.spanId));
      const statements = spans.filter((s) => attribute(s, 'db.query.text') !== undefined);
      expect(statements.length).to.be.at.least(1);
      for (const statement of statements) expect(ids.has(statement.parentSpanId ?? '')).to.equal(true);
      // Statements outside any request (the push dispatcher claiming outbox events) start no trace of their own.
      expect(
        receiver.spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg' && s.traceId !== traceId),
      ).to.deep.equal([]);
    } finally {
      bff.child.kill('SIGTERM');
      await bff.exited;
      await receiver.close();
    }
  });
});
