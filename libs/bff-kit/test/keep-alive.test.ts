// The public server's timeouts, as a balancer sees them: idle keep-alive connections outlive a 60 s balancer idle
// timeout, so the balancer (not the BFF) is the one that closes them.
import net from 'node:net';
import { expect } from 'chai';
import { readServerTimeouts, startHttpServer, type HttpServer } from '../src/http-server.ts';

/** A raw keep-alive client: sends GET / on one socket and reads one response at a time. */
function rawClient(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  let buffered = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (buffered += chunk));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  return {
    isClosed: () => closed,
    async get(): Promise<string> {
      buffered = '';
      socket.write('GET / HTTP/1.1\r\nHost: kit\r\n\r\n');
      for (let i = 0; i < 200 && !buffered.endsWith('ok'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      return buffered;
    },
    end: () => socket.destroy(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(timeouts: Parameters<typeof startHttpServer>[0]['timeouts'] = undefined): Promise<HttpServer> {
  return startHttpServer({
    handler: (_req, res) => res.end('ok'),
    port: 0,
    host: '127.0.0.1',
    ...(timeouts ? { timeouts } : {}),
    log: () => undefined,
    handleSignals: false,
    exit: () => undefined,
  });
}

describe('the public server timeouts', () => {
  it('default to keep-alive 65 s, headers 66 s (above it) and request 120 s, and advertise the keep-alive', async () => {
    expect(readServerTimeouts({})).to.deep.equal({
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 66_000,
      requestTimeoutMs: 120_000,
    });
    const http = await serve();
    try {
      expect(http.server.keepAliveTimeout).to.equal(65_000);
      expect(http.server.headersTimeout).to.equal(66_000);
      expect(http.server.requestTimeout).to.equal(120_000);
      const client = rawClient(http.port);
      expect(await client.get()).to.match(/keep-alive: timeout=65/i);
      client.end();
    } finally {
      await http.shutdown('test');
    }
  });

  it('keeps a keep-alive socket idle for 61 s open, and serves the next request on it', async function () {
    this.timeout(75_000);
    const http = await serve();
    try {
      const client = rawClient(http.port);
      expect(await client.get()).to.match(/^HTTP\/1\.1 200/);
      await sleep(61_000);
      expect(client.isClosed()).to.equal(false);
      expect(await client.get()).to.match(/^HTTP\/1\.1 200/);
      client.end();
    } finally {
      await http.shutdown('test');
    }
  });

  it('closes an idle keep-alive socket once HTTP_KEEP_ALIVE_TIMEOUT_MS has passed, not before', async () => {
    const http = await serve(readServerTimeouts({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000' }));
    try {
      expect(http.server.headersTimeout).to.equal(2000);
      const client = rawClient(http.port);
      expect(await client.get()).to.match(/keep-alive: timeout=1\b/i);
      await sleep(500);
      expect(client.isClosed()).to.equal(false);
      expect(await client.get()).to.match(/^HTTP\/1\.1 200/);
      // Node adds a one-second buffer of its own before it closes the socket.
      await sleep(3000);
      expect(client.isClosed()).to.equal(true);
    } finally {
      await http.shutdown('test');
    }
  });

  it('refuses settings that break the order keep-alive < headers <= request, naming the variable', () => {
    expect(() =>
      readServerTimeouts({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '70000', HTTP_HEADERS_TIMEOUT_MS: '60000' }),
    ).to.throw(/^HTTP_HEADERS_TIMEOUT_MS: /);
    expect(() => readServerTimeouts({ HTTP_HEADERS_TIMEOUT_MS: '66000', HTTP_REQUEST_TIMEOUT_MS: '5000' })).to.throw(
      /^HTTP_REQUEST_TIMEOUT_MS: /,
    );
    expect(() => readServerTimeouts({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '65s' })).to.throw(
      /^HTTP_KEEP_ALIVE_TIMEOUT_MS: "65s" is not an integer/,
    );
  });
});
