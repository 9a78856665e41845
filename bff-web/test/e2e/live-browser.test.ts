// The live timeline in two real Chromium browsers on two bff-web instances: one posts, the other's "new posts"
// banner appears (through PostgreSQL NOTIFY across instances) without moving the page; after the reader's
// connection is cut and restored, the post made meanwhile still arrives, once.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { followUser } from '@microblog/domain';
import { makeUser, TEST_PASSWORD, TEST_TOKEN_SECRET } from '@microblog/domain/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type TimelineStreams } from '../../src/app.ts';
import { settingsFrom } from '../../src/settings.ts';
import { timelineStreams } from '../../src/live/timeline-streams.ts';
import { createLogger } from '@microblog/bff-kit';
import { suite } from '../setup.ts';
import { buildClientIfStale, CHROMIUM, CHROMIUM_ARGS, distDir, skipWithoutBrowser } from './harness.ts';

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A TCP proxy whose connections can be cut (and new ones refused) and then allowed again. */
async function cuttableProxy(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await listen(server);
  return {
    port,
    cut() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/signin`);
  await page.getByTestId('input-username').fill(username);
  await page.getByTestId('input-password').fill(TEST_PASSWORD);
  await page.getByTestId('signin-form-submit').click();
  await page.getByTestId('compose').waitFor();
}

describe('the live timeline in the browser', function () {
  this.timeout(120_000);
  const servers: http.Server[] = [];
  const hubs: TimelineStreams[] = [];
  let browser: Browser | undefined;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>> | undefined;

  async function instance(origin: (port: number) => Promise<string>): Promise<string> {
    const server = http.createServer();
    servers.push(server);
    const publicOrigin = await origin(await listen(server));
    const settings = settingsFrom({
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      JWT_SECRET: 'live-browser-test-jwt-secret-0123456789ab',
      PUBLIC_ORIGIN: publicOrigin,
      LOG_LEVEL: 'silent',
    });
    const streams = timelineStreams({
      db: suite.database(),
      settings: { maxPerUser: 5, maxPerInstance: 100, heartbeatSeconds: 300 },
      listenUrl: suite.url(),
      logger: createLogger({ service: 'bff-web', level: 'silent', format: 'json' }),
    });
    hubs.push(streams);
    server.on('request', createApp({ db: suite.database(), settings, staticDir: distDir, streams }).callback());
    return publicOrigin;
  }

  before(async function () {
    skipWithoutBrowser(this);
    await buildClientIfStale();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    for (const hub of hubs) await hub.close();
    await proxy?.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('when the author posts on another instance, then the reader’s banner appears within 2 s without moving the page, and after a cut connection the missed post arrives once', async () => {
    // The reader's instance sits behind a proxy that can cut the connection; the author uses another instance.
    const readerOrigin = await instance(async (port) => {
      proxy = await cuttableProxy(port);
      return `http://localhost:${proxy.port}`;
    });
    const authorOrigin = await instance(async (port) => `http://localhost:${port}`);
    const db = suite.database();
    const reader = await makeUser(db.context(), { displayName: 'Live Reader' });
    const author = await makeUser(db.context(), { displayName: 'Live Author' });
    await followUser(db.context(), { followerId: reader.id, username: author.username });

    const readerPage = await (await browser!.newContext()).newPage();
    const authorPage = await (await browser!.newContext()).newPage();
    const problems: string[] = [];
    readerPage.on('pageerror', (error) => problems.push(error.message));
    await signIn(readerPage, readerOrigin, reader.username);
    await signIn(authorPage, authorOrigin, author.username);
    await authorPage.getByTestId('compose-text').fill('before the reader looked');
    await authorPage.getByTestId('compose-submit').click();
    await authorPage.getByTestId('micropost').first().waitFor();
    await readerPage.reload();
    await readerPage.getByTestId('micropost').first().waitFor();
    // Give the page's EventSource a moment to connect.
    await readerPage.waitForTimeout(500);
    const firstPostTop = await readerPage
      .getByTestId('micropost')
      .first()
      .evaluate((node) => node.getBoundingClientRect().top);

    await authorPage.getByTestId('compose-text').fill('live one');
    await authorPage.getByTestId('compose-submit').click();
    const banner = readerPage.getByTestId('new-posts-banner');
    await banner.waitFor({ state: 'visible', timeout: 2000 });
    expect(await banner.innerText()).to.equal('1 new post');
    expect(
      await readerPage
        .getByTestId('micropost')
        .first()
        .evaluate((node) => node.getBoundingClientRect().top),
    ).to.equal(firstPostTop);

    // Cut the reader's connection, post meanwhile, restore: EventSource reconnects with Last-Event-ID.
    proxy!.cut();
    await authorPage.getByTestId('compose-text').fill('made while cut off');
    await authorPage.getByTestId('compose-submit').click();
    await authorPage.getByText('made while cut off').waitFor();
    await readerPage.waitForTimeout(1000);
    proxy!.restore();
    await banner.filter({ hasText: /^2 new posts$/ }).waitFor({ timeout: 15_000 });
    expect(await banner.innerText()).to.equal('2 new posts');

    await banner.click();
    await readerPage.getByText('made while cut off').waitFor();
    const texts = await readerPage.getByTestId('micropost-body').allInnerTexts();
    expect(texts.filter((t) => t === 'made while cut off')).to.have.length(1);
    expect(texts.filter((t) => t === 'live one')).to.have.length(1);
    expect(problems).to.deep.equal([]);
  });
});
