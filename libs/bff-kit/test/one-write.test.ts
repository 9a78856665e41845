// sendInOneWrite(), through a Koa app over a real socket: the bytes a client receives are the Buffer's bytes, with an
// exact Content-Length, whatever their size; a small answer leaves in one write with its head (no writev), a large one
// as its Buffer; HEAD, 304 and string answers are Koa's as before.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync, gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import Koa from 'koa';
import { ONE_WRITE_MAX_BYTES, sendInOneWrite } from '../src/index.ts';

type Received = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

/** Every byte value, repeated to `size` bytes: latin1 must carry each of them unchanged. */
function everyByte(size: number): Buffer {
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = (i * 7 + 13) % 256;
  return body;
}

describe('sendInOneWrite()', () => {
  let server: http.Server;
  let url: string;
  let answer: (ctx: Koa.Context) => void;
  // How many times the server's sockets used writev since the last request (the path a small answer avoids).
  let writevCalls = 0;

  before(async () => {
    const app = new Koa();
    app.use(sendInOneWrite());
    app.use((ctx) => answer(ctx));
    server = http.createServer(app.callback());
    // Node's stream internals: `_writev` is what a socket's corked chunks go through. Counting its calls is how the
    // test sees the write path; no other public hook shows it.
    server.on('connection', (socket: Socket & { _writev?: (...args: unknown[]) => unknown }) => {
      // oxlint-disable-next-line eslint/no-underscore-dangle
      const writev = socket._writev?.bind(socket);
      // oxlint-disable-next-line eslint/no-underscore-dangle
      socket._writev = (...args: unknown[]) => {
        writevCalls++;
        return writev?.(...args);
      };
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function request(method = 'GET', headers: Record<string, string> = {}): Promise<Received> {
    writevCalls = 0;
    return new Promise((resolve, reject) => {
      const req = http.request(`${url}/answer`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  for (const size of [1, 200, ONE_WRITE_MAX_BYTES - 1, ONE_WRITE_MAX_BYTES]) {
    it(`when the answer is a ${size}-byte Buffer, then the client gets its exact bytes in one write with the head`, async () => {
      const body = everyByte(size);
      answer = (ctx) => {
        ctx.type = 'application/octet-stream';
        ctx.body = body;
      };
      const received = await request();
      expect(received.status).to.equal(200);
      expect(received.headers['content-length']).to.equal(String(size));
      expect(received.body.equals(body)).to.equal(true);
      expect(writevCalls).to.equal(0);
    });
  }

  it('when the answer is a Buffer larger than the limit, then it is sent as that Buffer, bytes exact', async () => {
    const body = everyByte(ONE_WRITE_MAX_BYTES + 1);
    answer = (ctx) => {
      ctx.type = 'application/octet-stream';
      ctx.body = body;
    };
    const received = await request();
    expect(received.headers['content-length']).to.equal(String(body.length));
    expect(received.body.equals(body)).to.equal(true);
    expect(writevCalls).to.equal(1);
  });

  it('when the answer is gzip-compressed JSON, then the client decompresses the JSON that was compressed', async () => {
    const json = JSON.stringify({
      items: Array.from({ length: 50 }, (_, i) => ({ id: String(i), text: `post ${i} é ✓` })),
    });
    answer = (ctx) => {
      ctx.type = 'application/json';
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = gzipSync(json);
    };
    const received = await request('GET', { 'Accept-Encoding': 'gzip' });
    expect(received.headers['content-encoding']).to.equal('gzip');
    expect(gunzipSync(received.body).toString('utf8')).to.equal(json);
  });

  it('when the request is HEAD, then the head has the Buffer’s length and no body follows', async () => {
    answer = (ctx) => {
      ctx.type = 'application/octet-stream';
      ctx.body = everyByte(300);
    };
    const received = await request('HEAD');
    expect(received.status).to.equal(200);
    expect(received.headers['content-length']).to.equal('300');
    expect(received.body.length).to.equal(0);
  });

  it('when the answer is 304, then no body is sent', async () => {
    answer = (ctx) => {
      ctx.body = everyByte(300);
      ctx.status = 304;
    };
    const received = await request();
    expect(received.status).to.equal(304);
    expect(received.body.length).to.equal(0);
  });

  it('when the answer is a string or an object, then Koa sends it as before', async () => {
    answer = (ctx) => {
      ctx.body = { text: 'déjà vu ✓' };
    };
    const received = await request();
    expect(received.headers['content-type']).to.equal('application/json; charset=utf-8');
    expect(JSON.parse(received.body.toString('utf8'))).to.deep.equal({ text: 'déjà vu ✓' });
  });
});
