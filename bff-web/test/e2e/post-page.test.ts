// A post's own page in the browser, at desktop and phone width.
import { expect } from 'chai';
import { postMicropost } from '@microblog/domain';
import { makeUser } from '@microblog/domain/testing';
import { suite } from '../setup.ts';
import {
  openPage,
  screenshot,
  signInThroughTheForm,
  startBrowserHarness,
  VIEWPORTS,
  type BrowserHarness,
  skipWithoutBrowser,
} from './harness.ts';

describe('the post page in the browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness | undefined;

  before(async function () {
    skipWithoutBrowser(this);
    harness = await startBrowserHarness();
  });
  after(async () => harness?.close());

  for (const viewport of VIEWPORTS) {
    it(`when a post's time is clicked (${viewport.name}), then its own page shows it at /microposts/{id}, and a deleted post is not found`, async () => {
      const ctx = suite.database().context();
      const author = await makeUser(ctx, { displayName: 'Page Author' });
      const post = await postMicropost(suite.database().context(), {
        authorId: author.id,
        text: 'A post with an address of its own',
      });
      const { context, page, problems } = await openPage(harness!, viewport);
      try {
        await page.goto(`${harness!.origin}/users/${author.username}`);
        await page.getByTestId('user-posts').waitFor();
        await page.getByTestId('micropost-permalink').first().click();
        await page.getByTestId('post-page').waitFor();
        expect(new URL(page.url()).pathname).to.equal(`/microposts/${post.id}`);
        expect(await page.getByTestId('post-page').getByTestId('micropost-body').textContent()).to.equal(
          'A post with an address of its own',
        );
        await screenshot(page, `post-page-${viewport.name}`);

        // The author, signed in, deletes it from its page and lands on home; the address is then not found.
        await signInThroughTheForm(page, harness!.origin, author.username);
        await page.goto(`${harness!.origin}/microposts/${post.id}`);
        await page.getByTestId('post-page').getByTestId('delete-micropost').click();
        await page.getByTestId('confirm-delete').click();
        await page.waitForURL(`${harness!.origin}/`);
        await page.goto(`${harness!.origin}/microposts/${post.id}`);
        await page.getByTestId('page-error').waitFor();
        expect(await page.getByTestId('page-error').textContent()).to.equal('Not found.');
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
