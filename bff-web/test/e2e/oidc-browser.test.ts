// "Sign in with …" end to end in headless Chromium: the built client, the real app, and the development OpenID
// provider that `npm start` offers (oidc-provider on a loopback port): redirect to the provider, its sign-in
// page, the redirect back to /oidc/callback, the username choice, and RP-initiated logout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { makeUser, TEST_PASSWORD, TEST_TOKEN_SECRET, uniqueUsername } from '@microblog/domain/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { linkDevIdentities, startDevProvider, type DevProvider } from '../../../scripts/lib/dev-oidc-provider.ts';
import { createApp } from '../../src/app.ts';
import { settingsFrom } from '../../src/settings.ts';
import { suite } from '../setup.ts';
import { buildClientIfStale, CHROMIUM, CHROMIUM_ARGS, distDir, skipWithoutBrowser } from './harness.ts';

async function signInAtProvider(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('sign-in-with-dev').click();
  await page.locator('input[name="username"]').waitFor();
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
}

describe('signing in with an OpenID Connect provider in the browser', function () {
  this.timeout(120_000);
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let provider: DevProvider | undefined;
  let origin = '';
  const linked = { username: uniqueUsername('linked'), password: 'linked-password-1' };
  const clash = { username: uniqueUsername('clash'), password: 'clash-password-1' };
  const linker = { username: uniqueUsername('linker'), password: 'linker-password-1' };

  before(async function () {
    skipWithoutBrowser(this);
    await buildClientIfStale();
    server = http.createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    origin = `http://localhost:${(server.address() as AddressInfo).port}`;
    provider = await startDevProvider({
      port: 0,
      webOrigin: origin,
      users: [
        { username: linked.username, password: linked.password, displayName: 'Linked Person' },
        { username: clash.username, password: clash.password },
        { username: linker.username, password: linker.password },
      ],
    });
    const settings = settingsFrom({
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      JWT_SECRET: 'browser-oidc-test-jwt-secret-0123456789ab',
      PUBLIC_ORIGIN: origin,
      LOG_LEVEL: 'silent',
      ...provider.webEnv,
    });
    server.on('request', createApp({ db: suite.database(), settings, staticDir: distDir }).callback());
    // A local account already linked to its provider identity (what `npm start` does for the demo users),
    // and one whose name the provider's other person would want.
    await makeUser(suite.database().context(), { username: linked.username, displayName: 'Linked Person' });
    await linkDevIdentities(suite.database(), provider.issuer, [linked.username]);
    await makeUser(suite.database().context(), { username: clash.username });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await provider?.close();
    if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
  });

  it('when a linked person signs in at the provider, then they land home signed in, and signing out ends the provider session too', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${origin}/signin`);
    await signInAtProvider(page, linked.username, linked.password);
    await page.getByTestId('compose').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/');
    expect(await page.getByTestId('nav-profile').innerText()).to.equal(`@${linked.username}`);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === '__Host-session')).to.include({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    });
    expect(
      cookies.some((c) => c.name === '__Host-oidc'),
      'the transaction cookie is gone',
    ).to.equal(false);

    // Sign out: the provider asks to confirm ending its session, then sends the browser back here.
    await page.getByTestId('sign-out').click();
    await page.waitForURL((url) => url.origin === provider!.issuer);
    await page.locator('button[name="logout"][value="yes"]').click();
    await page.getByTestId('signin-form').waitFor();
    expect(new URL(page.url()).origin).to.equal(origin);
    expect((await context.cookies()).some((c) => c.name === '__Host-session')).to.equal(false);
    expect(problems).to.deep.equal([]);
    await context.close();
  });

  it('when the provider’s preferred username is taken here, then the person chooses one and is signed in', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/signin`);
    await signInAtProvider(page, clash.username, clash.password);
    await page.getByTestId('choose-username-form').waitFor();
    expect(new URL(page.url()).search, 'the code left the address bar').to.equal('');
    expect(await page.getByTestId('input-username').inputValue()).to.equal(clash.username);
    await page.getByTestId('choose-username-submit').click();
    await page.getByTestId('form-error').waitFor({ state: 'visible' });
    expect(await page.getByTestId('form-error').innerText()).to.match(/taken/);
    const chosen = uniqueUsername('chosen');
    await page.getByTestId('input-username').fill(chosen);
    await page.getByTestId('choose-username-submit').click();
    await page.getByTestId('compose').waitFor();
    expect(await page.getByTestId('nav-profile').innerText()).to.equal(`@${chosen}`);
    await context.close();
  });

  it('when a password user links the provider on their profile and unlinks it, then the list follows', async () => {
    const local = await makeUser(suite.database().context(), { username: uniqueUsername('local') });
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/signin`);
    await page.getByTestId('input-username').fill(local.username);
    await page.getByTestId('input-password').fill(TEST_PASSWORD);
    await page.getByTestId('signin-form-submit').click();
    await page.getByTestId('compose').waitFor();
    await page.goto(`${origin}/users/${local.username}`);
    await page.getByTestId('link-dev').click();
    await page.locator('input[name="username"]').fill(linker.username);
    await page.locator('input[name="password"]').fill(linker.password);
    await page.locator('button[type="submit"]').click();
    await page.getByTestId('linked-dev').waitFor();
    expect(new URL(page.url()).pathname).to.equal(`/users/${local.username}`);
    expect(await page.getByTestId('nav-profile').innerText(), 'still the same account').to.equal(`@${local.username}`);
    await page.getByTestId('unlink-dev').click();
    await page.getByTestId('link-dev').waitFor();
    await context.close();
  });
});
