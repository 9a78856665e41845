// Account control in the browser: profile, password, signed-in devices and account deletion, at desktop and phone width.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { getProfile, startDeviceSession } from '@microblog/domain';
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

describe('settings in the browser', function () {
  this.timeout(120_000);
  let harness: BrowserHarness | undefined;

  before(async function () {
    skipWithoutBrowser(this);
    harness = await startBrowserHarness();
  });
  after(async () => harness?.close());

  for (const viewport of VIEWPORTS) {
    it(`when a user edits the profile, signs out a phone, changes the password and deletes the account (${viewport.name}), then each screen says so`, async () => {
      const user = await makeUser(suite.database().context(), { displayName: 'Settings User' });
      await startDeviceSession(suite.database().context(), {
        userId: user.id,
        device: { id: randomUUID(), name: 'Pixel 9', platform: 'android' },
      });
      const { context, page, problems } = await openPage(harness!, viewport);
      try {
        await signInThroughTheForm(page, harness!.origin, user.username);
        await page.getByTestId('nav-profile').click();
        await page.getByTestId('to-settings').click();
        await page.getByTestId('settings-profile').waitFor();

        // Profile.
        await page.getByTestId('input-displayName').fill('Renamed User');
        await page.getByTestId('input-bio').fill('Writes tests.');
        await page.getByTestId('profile-save').click();
        await page.locator('[data-testid="profile-saved"]:not([hidden])').waitFor();
        expect((await getProfile(suite.database().context(), { username: user.username })).profile).to.deep.include({
          displayName: 'Renamed User',
          bio: 'Writes tests.',
        });

        // Devices: this browser and the phone; sign the phone out.
        const devices = page.getByTestId('device');
        await page.locator('[data-testid="device"][data-current="false"]').waitFor();
        expect(await devices.count()).to.equal(2);
        expect(await page.locator('[data-testid="device"][data-current="false"]').textContent()).to.contain(
          'Pixel 9 (Android)',
        );
        await screenshot(page, `settings-${viewport.name}`);
        await page.locator('[data-testid="device"][data-current="false"]').getByTestId('device-sign-out').click();
        await page.locator('[data-testid="device"][data-current="false"]').waitFor({ state: 'detached' });
        expect(await devices.count()).to.equal(1);

        // Password: a wrong current one is explained next to its field, the right one works.
        await page.getByTestId('input-currentPassword').fill('not my password');
        await page.getByTestId('input-newPassword').fill('a brand new passphrase 7');
        await page.getByTestId('password-save').click();
        await page.locator('[data-testid="error-currentPassword"]:not([hidden])').waitFor();
        await page.getByTestId('input-currentPassword').fill(TEST_PASSWORD);
        await page.getByTestId('password-save').click();
        await page.locator('[data-testid="password-changed"]:not([hidden])').waitFor();

        // Delete the account: the new password confirms it; the app returns to sign-in and the account is gone.
        await page.getByTestId('input-password').fill('a brand new passphrase 7');
        await screenshot(page, `settings-delete-${viewport.name}`);
        await page.getByTestId('delete-account').click();
        await page.waitForURL(`${harness!.origin}/signin`);
        await page.getByTestId('signin-form').waitFor();
        let gone = false;
        try {
          await getProfile(suite.database().context(), { username: user.username });
        } catch (error) {
          gone = (error as { code?: string }).code === 'not_found';
        }
        expect(gone, 'the account is deleted').to.equal(true);
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
  }
});
