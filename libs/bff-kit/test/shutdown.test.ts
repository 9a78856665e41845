// Graceful shutdown in the kit, in process (the BFF suites prove it again on the real main.ts under SIGTERM).
import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import { readRuntimeSettings, readShutdownGraceMs, startHttpServer, type ServerLogEntry } from '../src/http-server.ts';

function get(
  port: number,
  path: string,
  agent?: http.Agent,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, ...(agent ? { agent } : {}) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown of the public server', () => {
  it('closes idle keep-alive sockets at once, lets a request in flight finish with Connection: close, then exits 0', async () => {
    const logs: ServerLogEntry[] = [];
    let exitCode: number | null = null;
    let finish: () => void = () => undefined;
    const server = await startHttpServer({
      handler: (req, res) => {
        if (req.url === '/slow') finish = () => res.end('done');
        else res.end('ok');
      },
      port: 0,
      host: '127.0.0.1',
      log: (entry) => logs.push(entry),
      handleSignals: false,
      exit: (code) => (exitCode = code),
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(server.port, '/', agent)).status).to.equal(200);
    const idle = [...Object.values(agent.freeSockets).flat()][0]!;
    let idleClosed = false;
    idle.on('close', () => (idleClosed = true));

    const slow = get(server.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = server.shutdown('test');
    expect(server.draining()).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(idleClosed).to.equal(true);
    finish();
    const answer = await slow;
    expect(answer.body).to.equal('done');
    expect(answer.headers.connection).to.equal('close');
    await stopped;
    expect(exitCode).to.equal(0);
    expect(logs.map((l) => l.msg)).to.deep.equal(['shutting down', 'stopped']);
    agent.destroy();
  });

  it('cuts what still runs after the grace period, logs it, releases, and exits 1', async () => {
    const logs: ServerLogEntry[] = [];
    let exitCode: number | null = null;
    let released = false;
    const server = await startHttpServer({
      handler: () => undefined,
      port: 0,
      host: '127.0.0.1',
      shutdownGraceMs: 200,
      log: (entry) => logs.push(entry),
      handleSignals: false,
      exit: (code) => (exitCode = code),
      release: async () => {
        released = true;
      },
    });
    const hung = get(server.port, '/hangs').catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.shutdown('test');
    expect(exitCode).to.equal(1);
    expect(released).to.equal(true);
    expect(await hung).to.be.instanceOf(Error);
    const cut = logs.find((l) => l.msg.includes('grace period ran out'));
    expect(cut).to.include({ level: 'error', graceMs: 200, openConnections: 1 });
    // And the listener is gone: new connections are refused.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1');
      socket.on('connect', () => resolve(false));
      socket.on('error', () => resolve(true));
    });
    expect(refused).to.equal(true);
  });

  it('reads SHUTDOWN_GRACE_MS (default 25 s) and the runtime block with the per-BFF metrics port', () => {
    expect(readShutdownGraceMs({})).to.equal(25_000);
    expect(readShutdownGraceMs({ SHUTDOWN_GRACE_MS: '500' })).to.equal(500);
    expect(() => readShutdownGraceMs({ SHUTDOWN_GRACE_MS: '-1' })).to.throw(/^SHUTDOWN_GRACE_MS: /);
    const defaults = readRuntimeSettings({}, 9464);
    expect(defaults).to.deep.include({
      metricsPort: 9464,
      databaseStatementTimeoutMs: 5000,
      databaseIdleInTransactionTimeoutMs: 10_000,
      shutdownGraceMs: 25_000,
    });
    expect(readRuntimeSettings({ METRICS_PORT: 'off' }, 9464).metricsPort).to.equal(null);
    expect(readRuntimeSettings({ METRICS_PORT: '0' }, 9464).metricsPort).to.equal(0);
    expect(() => readRuntimeSettings({ METRICS_PORT: 'yes' }, 9464)).to.throw(/^METRICS_PORT: /);
    expect(() => readRuntimeSettings({ DATABASE_STATEMENT_TIMEOUT_MS: '5s' }, 9464)).to.throw(
      /^DATABASE_STATEMENT_TIMEOUT_MS: /,
    );
  });
});
