// Finding people in the browser: the empty home page's suggestions, people search, and @-completion in the composer.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { followUser, registerUser } from '@microblog/domain';
import { makeUser, TEST_PASSWORD } from '@microblog/domain/testing';
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

describe('finding people in the browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness | undefined;

  before(async function () {
    skipWithoutBrowser(this);
    harness = await startBrowserHarness();
  });
  after(async () => harness?.close());

  for (const viewport of VIEWPORTS) {
    it(`when a new user opens an empty home (${viewport.name}), then suggestions and people search lead on, and @-completion fills a username`, async () => {
      const db = () => suite.database().context();
      const tag = randomBytes(3).toString('hex');
      const me = await makeUser(db());
      const popular = await registerUser(db(), {
        username: `pop_${tag}`,
        password: TEST_PASSWORD,
        displayName: `Popular ${tag}`,
      });
      // Enough followers to be among the most followed accounts suggested to someone who follows nobody.
      for (let i = 0; i < 30; i++) {
        const fan = await makeUser(db());
        await followUser(db(), { followerId: fan.id, username: popular.username });
      }
      const { context, page, problems } = await openPage(harness!, viewport);
      try {
        await signInThroughTheForm(page, harness!.origin, me.username);
        await page.getByTestId('getting-started').waitFor();
        const suggestion = page.getByTestId('suggestion').filter({ hasText: `@${popular.username}` });
        await suggestion.waitFor();
        await screenshot(page, `home-empty-suggestions-${viewport.name}`);
        await suggestion.getByTestId('suggestion-follow').click();
        await suggestion.locator('[data-following="true"]').waitFor();

        // @-completion: type "@pop_<tag>" and pick the account with Enter.
        const text = page.getByTestId('compose-text');
        await text.click();
        await text.pressSequentially(`hello @POP_${tag.slice(0, 3)}`);
        await page.locator('[data-testid="mention-list"]:not([hidden])').waitFor();
        expect(await page.getByTestId('mention-option').first().textContent()).to.contain(`@${popular.username}`);
        await screenshot(page, `mention-completion-${viewport.name}`);
        await text.press('Enter');
        expect(await text.inputValue()).to.equal(`hello @${popular.username} `);

        // People search from the empty state's link.
        await page.getByTestId('find-people').click();
        await page.getByTestId('people-input').fill(`popular ${tag}`.slice(0, 11));
        await page.getByTestId('people-submit').click();
        await page.getByTestId('people-results').waitFor();
        expect(await page.getByTestId('people-results').getByTestId('person-name').allTextContents()).to.include(
          `Popular ${tag}`,
        );
        await screenshot(page, `people-search-${viewport.name}`);
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
