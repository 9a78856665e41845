// The browser frontend end to end: the built client served by the real app, driven in headless Chromium.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { followUser, listUserMicroposts, postMicropost, type UserProfile } from '@microblog/domain';
import { makeUser, TEST_PASSWORD, TEST_TOKEN_SECRET, uniqueUsername } from '@microblog/domain/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/app.ts';
import { settingsFrom } from '../../src/settings.ts';
import { suite } from '../setup.ts';
import { buildClientIfStale, CHROMIUM, CHROMIUM_ARGS, distDir, outputDir, skipWithoutBrowser } from './harness.ts';

async function postMany(author: UserProfile, count: number): Promise<void> {
  const ctx = suite.database().context();
  for (let n = 1; n <= count; n++) {
    await postMicropost(ctx, { authorId: author.id, text: `Demo post number ${n}` });
  }
}

describe('the browser frontend', function () {
  this.timeout(120_000);
  let server: http.Server | undefined;
  let browser: Browser | undefined;
  let origin = '';

  before(async function () {
    skipWithoutBrowser(this);
    await buildClientIfStale();
    // The allowed Origin must name the port, so listen first and attach the app after.
    server = http.createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // localhost, not 127.0.0.1: Chromium keeps Secure (__Host-) cookies on http://localhost only.
    origin = `http://localhost:${port}`;
    const settings = settingsFrom({
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      JWT_SECRET: 'browser-test-jwt-secret-0123456789abcdef',
      PUBLIC_ORIGIN: origin,
      LOG_LEVEL: 'silent',
    });
    const app = createApp({ db: suite.database(), settings, staticDir: distDir });
    server.on('request', app.callback());
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
  });

  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeEach(async () => {
    context = await browser!.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    // Script errors and CSP violations show up here; the test fails on any.
    problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // Chromium also logs every 4xx answer as an error; the app expects those (401 when signed out, 422 on bad input).
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(`console: ${message.text()}`);
    });
  });

  afterEach(async () => {
    await context?.close();
  });

  it('when a new user signs up, posts, follows a prolific user, pages, edits, deletes and signs out, then the screens show each step', async () => {
    const demo = await makeUser(suite.database().context(), { displayName: 'Demo Poster' });
    await postMany(demo, 25);
    const me = uniqueUsername('browser');

    // Signed out, / shows the sign-in screen.
    await page.goto(`${origin}/`);
    await page.getByTestId('signin-form').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/signin');

    // Sign up; a bad password is explained next to its field first.
    await page.getByTestId('to-signup').click();
    await page.getByTestId('signup-form').waitFor();
    await page.getByTestId('input-username').fill(me);
    await page.getByTestId('input-displayName').fill('Browser Tester');
    await page.getByTestId('input-password').fill('short');
    await page.getByTestId('signup-form-submit').click();
    await page.getByTestId('error-password').waitFor();
    expect(await page.getByTestId('error-password').textContent()).to.match(/\w/);
    await page.getByTestId('input-password').fill(TEST_PASSWORD);
    await page.getByTestId('signup-form-submit').click();
    await page.getByTestId('compose').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/');
    expect(await page.getByTestId('nav-profile').innerText()).to.equal(`@${me}`);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-session');
    expect(session, 'the session cookie').to.not.equal(undefined);
    expect(session).to.include({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });

    // The counter counts code points after NFC, and the button only allows postable text.
    const text = page.getByTestId('compose-text');
    const counter = page.getByTestId('compose-counter');
    const submit = page.getByTestId('compose-submit');
    expect(await counter.textContent()).to.equal('255');
    expect(await submit.isDisabled()).to.equal(true);
    await text.fill('   ');
    expect(await submit.isDisabled()).to.equal(true);
    await text.fill('e\u0301👋'); // "é" decomposed (NFC: one code point) and an emoji (one code point)
    expect(await counter.textContent()).to.equal('253');
    await text.fill('x'.repeat(256));
    expect(await counter.textContent()).to.equal('-1');
    expect(await submit.isDisabled()).to.equal(true);

    // Post two microposts; the newest is first.
    await text.fill('My first post, to be edited');
    await submit.click();
    await page.getByTestId('micropost').filter({ hasText: 'My first post' }).waitFor();
    await page.getByTestId('compose-text').fill('A post to delete');
    await page.getByTestId('compose-submit').click();
    await page.getByTestId('micropost').filter({ hasText: 'A post to delete' }).waitFor();
    expect(await page.getByTestId('micropost').count()).to.equal(2);
    expect(await page.getByTestId('micropost').first().getByTestId('micropost-body').textContent()).to.equal(
      'A post to delete',
    );

    // Follow the demo user from their profile (a deep link the server answers with the app).
    await page.goto(`${origin}/users/${demo.username}`);
    await page.getByTestId('profile').waitFor();
    expect(await page.getByTestId('profile-name').textContent()).to.equal('Demo Poster');
    expect(await page.getByTestId('count-posts').textContent()).to.equal('25 posts');
    expect(await page.getByTestId('user-posts').getByTestId('micropost').count()).to.equal(20);
    await page.getByTestId('follow-button').click();
    await page.locator('[data-testid="follow-button"][data-following="true"]').waitFor();
    expect(await page.getByTestId('follow-button').textContent()).to.equal('Unfollow');
    expect(await page.getByTestId('count-followers').textContent()).to.equal('1 follower');

    // Home: 27 posts in pages of 20.
    await page.getByTestId('nav-home').click();
    await page.getByTestId('timeline').waitFor();
    const posts = page.getByTestId('timeline').getByTestId('micropost');
    expect(await posts.count()).to.equal(20);
    expect(await posts.first().getByTestId('micropost-body').textContent()).to.equal('A post to delete');
    expect(await page.getByTestId('pager-page').allTextContents()).to.deep.equal(['1', '2']);
    expect(await page.locator('[data-testid="pager-page"][aria-current="page"]').textContent()).to.equal('1');
    await page.getByTestId('pager-next').click();
    await page.waitForURL(`${origin}/?page=2`);
    await page.locator('[data-testid="pager-page"][aria-current="page"][data-page="2"]').waitFor();
    expect(await posts.count()).to.equal(7);
    expect(await posts.last().getByTestId('micropost-body').textContent()).to.equal('Demo post number 1');
    expect(await page.getByTestId('micropost-author').first().textContent()).to.equal('Demo Poster');
    await page.getByTestId('pager-prev').click();
    await page.waitForURL(`${origin}/`);
    await page.locator('[data-testid="pager-page"][aria-current="page"][data-page="1"]').waitFor();

    // Only my own posts offer edit and delete.
    // By id: while being edited, a post's text sits in a textarea, which hasText does not see.
    const byId = async (text: string) =>
      page.locator(
        `[data-testid="micropost"][data-id="${await posts.filter({ hasText: text }).getAttribute('data-id')}"]`,
      );
    const mine = await byId('My first post');
    const theirs = posts.filter({ hasText: 'Demo post number 25' });
    expect(await theirs.getByTestId('edit-micropost').count()).to.equal(0);
    expect(await theirs.getByTestId('delete-micropost').count()).to.equal(0);

    // Edit.
    await mine.getByTestId('edit-micropost').click();
    await mine.getByTestId('edit-text').fill('My first post, edited in the browser');
    await mine.getByTestId('save-edit').click();
    await mine.getByTestId('micropost-edited').waitFor();
    expect(await mine.getByTestId('micropost-body').textContent()).to.equal('My first post, edited in the browser');

    // Delete.
    const doomed = await byId('A post to delete');
    await doomed.getByTestId('delete-micropost').click();
    await doomed.getByTestId('confirm-delete').click();
    await doomed.waitFor({ state: 'detached' });
    expect(await posts.first().getByTestId('micropost-body').textContent()).to.equal(
      'My first post, edited in the browser',
    );

    // What the server stored.
    const stored = await listUserMicroposts(suite.database().context(), {
      username: me,
      paging: { kind: 'page', number: 1, size: 20 },
    });
    expect(stored.items.map((p) => p.text)).to.deep.equal(['My first post, edited in the browser']);

    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'timeline.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(outputDir, 'timeline-390x844.png') });
    await page.setViewportSize({ width: 1100, height: 900 });

    // Sign out: the sign-in screen, also after a reload.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-form').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/signin');
    expect((await context.cookies()).find((c) => c.name === '__Host-session')).to.equal(undefined);
    await page.goto(`${origin}/`);
    await page.getByTestId('signin-form').waitFor();

    expect(problems).to.deep.equal([]);
  });

  it('when a visitor reads profiles, follow lists and search, and then signs in, then links route inside the app and post HTML stays inert', async () => {
    const ctx = suite.database().context();
    const author = await makeUser(ctx, { displayName: 'Ada Author' });
    const fan = await makeUser(ctx, { displayName: 'Faithful Fan' });
    const word = `zebra${Date.now().toString(36)}`;
    await postMicropost(ctx, {
      authorId: author.id,
      text: `Hello @${fan.username}, see https://example.com/${word} about ${word}`,
    });
    await postMicropost(ctx, { authorId: author.id, text: '<img src=x onerror=alert(1)> & <b>bold</b>' });
    await followUser(ctx, { followerId: fan.id, username: author.username });

    await page.goto(`${origin}/users/${author.username}`);
    await page.getByTestId('profile').waitFor();
    // Signed out: a sign-in link instead of a follow button, no edit or delete.
    await page.getByTestId('follow-signin').waitFor();
    expect(await page.getByTestId('follow-button').count()).to.equal(0);
    expect(await page.getByTestId('edit-micropost').count()).to.equal(0);
    expect(await page.getByTestId('count-followers').textContent()).to.equal('1 follower');

    // The server's HTML: text stays text, URLs and mentions are links.
    const [inert, linked] = [page.getByTestId('micropost').nth(0), page.getByTestId('micropost').nth(1)];
    expect(await inert.getByTestId('micropost-body').textContent()).to.equal(
      '<img src=x onerror=alert(1)> & <b>bold</b>',
    );
    expect(await inert.locator('img, b').count()).to.equal(0);
    expect(await linked.locator(`a[href="https://example.com/${word}"]`).getAttribute('rel')).to.contain('nofollow');

    // A mention link routes inside the app (no page load: the marker survives).
    await page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));
    await linked.locator(`a[href="/users/${fan.username}"]`).click();
    await page.waitForURL(`${origin}/users/${fan.username}`);
    await page.locator('[data-testid="profile-name"]', { hasText: 'Faithful Fan' }).waitFor();
    await page.getByTestId('count-following').click();
    await page.waitForURL(`${origin}/users/${fan.username}/following`);
    // The URL changes before the list has loaded: wait for its first item, then read them all.
    await page.getByTestId('user-item').first().waitFor();
    expect(await page.getByTestId('user-item').allInnerTexts()).to.deep.equal([`Ada Author\n@${author.username}`]);
    await page.goBack();
    await page.waitForURL(`${origin}/users/${fan.username}`);
    await page.goBack();
    await page.locator('[data-testid="profile-name"]', { hasText: 'Ada Author' }).waitFor();
    await page.getByTestId('count-followers').click();
    await page.getByTestId('user-list').waitFor();
    expect(await page.getByTestId('user-item').count()).to.equal(1);
    expect(await page.evaluate(() => 'stillTheSamePage' in globalThis)).to.equal(true);
    mkdirSync(outputDir, { recursive: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(outputDir, 'followers-390x844.png') });
    await page.setViewportSize({ width: 1100, height: 900 });

    // Search: too short is refused in the page; a real query finds the post.
    await page.getByTestId('nav-search').click();
    await page.getByTestId('search-input').fill('ze');
    await page.getByTestId('search-submit').click();
    expect(await page.getByTestId('search-hint').textContent()).to.contain('3 to 100');
    expect(new URL(page.url()).search).to.equal('');
    await page.getByTestId('search-input').fill(word);
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-results').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).to.equal(word);
    expect(await page.getByTestId('search-summary').textContent()).to.contain('1 post matches');
    expect(await page.getByTestId('search-results').getByTestId('micropost').count()).to.equal(1);

    // Sign in: a wrong password shows the server's message; the right one shows the fan's timeline.
    await page.getByTestId('nav-signin').click();
    await page.getByTestId('input-username').fill(fan.username);
    await page.getByTestId('input-password').fill('not the password');
    await page.getByTestId('signin-form-submit').click();
    await page.getByTestId('form-error').waitFor();
    expect(await page.getByTestId('form-error').textContent()).to.match(/\w/);
    await page.getByTestId('input-password').fill(TEST_PASSWORD);
    await page.getByTestId('signin-form-submit').click();
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('timeline').getByTestId('micropost').count()).to.equal(2);
    await page.getByTestId('timeline').getByTestId('micropost-author').first().click();
    await page.locator('[data-testid="follow-button"][data-following="true"]').waitFor();
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: path.join(outputDir, 'profile.png'), fullPage: true });

    expect(problems).to.deep.equal([]);
  });
});
