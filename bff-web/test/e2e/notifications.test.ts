// The notifications page and the header badge in the browser, at desktop and phone width.
import { expect } from 'chai';
import { followUser, postMicropost } from '@microblog/domain';
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

describe('notifications in the browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness | undefined;

  before(async function () {
    skipWithoutBrowser(this);
    harness = await startBrowserHarness();
  });
  after(async () => harness?.close());

  for (const viewport of VIEWPORTS) {
    it(`when a user was followed and mentioned (${viewport.name}), then the header badge shows 2, the page lists both, and reading clears the badge`, async () => {
      const star = await makeUser(suite.database().context(), { displayName: 'Star' });
      const fan = await makeUser(suite.database().context(), { displayName: 'Fan Person' });
      await followUser(suite.database().context(), { followerId: fan.id, username: star.username });
      const post = await postMicropost(suite.database().context(), {
        authorId: fan.id,
        text: `Great talk today @${star.username}!`,
      });
      const { context, page, problems } = await openPage(harness!, viewport);
      try {
        await signInThroughTheForm(page, harness!.origin, star.username);
        const badge = page.getByTestId('notification-badge');
        await page.locator('[data-testid="notification-badge"]:not([hidden])').waitFor();
        expect(await badge.textContent()).to.equal('2');
        await screenshot(page, `notification-badge-${viewport.name}`);

        await page.getByTestId('nav-notifications').click();
        await page.getByTestId('notifications').waitFor();
        const items = page.getByTestId('notification');
        expect(await items.count()).to.equal(2);
        expect(await items.nth(0).getAttribute('data-kind')).to.equal('mention');
        expect(await items.nth(0).getAttribute('data-read')).to.equal('false');
        expect(await items.nth(0).textContent()).to.contain('Fan Person mentioned you in a post');
        expect(await items.nth(1).textContent()).to.contain('Fan Person followed you');
        await page.locator('[data-testid="notification-badge"][hidden]').waitFor({ state: 'attached' });
        await screenshot(page, `notifications-${viewport.name}`);

        await items.nth(0).getByTestId('notification-post-link').click();
        await page.getByTestId('post-page').waitFor();
        expect(new URL(page.url()).pathname).to.equal(`/microposts/${post.id}`);
        // Read now: coming back shows them as read.
        await page.goto(`${harness!.origin}/notifications`);
        await page.getByTestId('notifications').waitFor();
        expect(
          await page.getByTestId('notification').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-read'))),
        ).to.deep.equal(['true', 'true']);
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
