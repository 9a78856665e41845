// `/settings`: edit the profile, change the password, see and sign out signed-in devices, delete the account.
import type { SignedInDevice } from '@microblog/web-contract';
import { api } from './api.ts';
import { el, replaceChildren } from './dom.ts';
import { clearErrors, field, formError, showError, whileBusy, type Field } from './forms.ts';
import { navigate } from './router.ts';
import { currentUser, setCurrentUser } from './session.ts';
import { fullTime, shortTime } from './time-format.ts';

function notice(testid: string): HTMLElement {
  return el('p', { class: 'notice notice-success', role: 'status', 'data-testid': testid, hidden: true });
}

function section(title: string, testid: string, ...children: Node[]): HTMLElement {
  return el('section', { class: 'card settings-section', 'data-testid': testid }, el('h2', {}, title), ...children);
}

function submitButton(label: string, testid: string, extraClass = 'button-primary'): HTMLButtonElement {
  return el('button', { type: 'submit', class: `button ${extraClass}`, 'data-testid': testid }, label);
}

/** A form whose submit runs `work`; errors go next to `fields`, success shows `done`. */
function settingsForm(
  testid: string,
  fields: Field[],
  button: HTMLButtonElement,
  done: HTMLElement | null,
  work: () => Promise<void>,
): HTMLFormElement {
  const summary = formError();
  const form = el(
    'form',
    { class: 'stack settings-form', 'data-testid': testid, novalidate: true },
    summary,
    ...fields.map((f) => f.wrapper),
    el('div', { class: 'button-row' }, button),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (done) done.hidden = true;
    void whileBusy(button, async () => {
      try {
        await work();
        clearErrors(fields, summary);
        if (done) done.hidden = false;
      } catch (error) {
        showError(error, fields, summary);
      }
    });
  });
  return form;
}

function profileSection(): HTMLElement {
  const user = currentUser()!;
  const displayName = field({
    name: 'displayName',
    label: 'Display name',
    value: user.displayName,
    hint: 'Up to 50 characters.',
  });
  const bio = field({ name: 'bio', label: 'Bio', multiline: true, value: user.bio, hint: 'Up to 160 characters.' });
  const saved = notice('profile-saved');
  saved.textContent = 'Profile saved.';
  const form = settingsForm(
    'profile-form',
    [displayName, bio],
    submitButton('Save profile', 'profile-save'),
    saved,
    async () => {
      const me = await api.updateMe({ displayName: displayName.input.value, bio: bio.input.value });
      setCurrentUser(me);
    },
  );
  return section('Profile', 'settings-profile', form, saved);
}

function passwordSection(): HTMLElement {
  const current = field({
    name: 'currentPassword',
    label: 'Current password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const next = field({
    name: 'newPassword',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    hint: '8 to 128 characters, not a common password.',
  });
  const changed = notice('password-changed');
  changed.textContent = 'Password changed. Your other devices were signed out.';
  const form = settingsForm(
    'password-form',
    [current, next],
    submitButton('Change password', 'password-save'),
    changed,
    async () => {
      await api.changePassword({ currentPassword: current.input.value, newPassword: next.input.value });
      current.input.value = '';
      next.input.value = '';
      await renderDevices();
    },
  );
  return section('Password', 'settings-password', form, changed);
}

let devicesList: HTMLElement | null = null;

function deviceLabel(device: SignedInDevice): string {
  if (device.kind === 'web') return 'Web browser';
  return `${device.deviceName ?? 'App'}${device.platform ? ` (${device.platform === 'ios' ? 'iOS' : 'Android'})` : ''}`;
}

function deviceItem(device: SignedInDevice): HTMLElement {
  const signOut = el(
    'button',
    { type: 'button', class: 'button button-small', 'data-testid': 'device-sign-out' },
    device.current ? 'Sign out here' : 'Sign out this device',
  );
  signOut.addEventListener('click', () => {
    void whileBusy(signOut, async () => {
      try {
        await api.revokeMySession(device.id);
        if (device.current) {
          setCurrentUser(null);
          navigate('/signin', { replace: true });
        } else {
          await renderDevices();
        }
      } catch (error) {
        console.error(error);
      }
    });
  });
  return el(
    'li',
    { class: 'person device', 'data-testid': 'device', 'data-current': String(device.current) },
    el(
      'div',
      { class: 'person-line' },
      el('strong', {}, deviceLabel(device)),
      device.current ? el('span', { class: 'device-current', 'data-testid': 'device-current' }, 'This device') : null,
      el(
        'span',
        { class: 'person-note', title: fullTime(device.lastUsedAt) },
        `Last active ${shortTime(device.lastUsedAt)} · signed in ${shortTime(device.createdAt)}`,
      ),
    ),
    signOut,
  );
}

async function renderDevices(): Promise<void> {
  if (!devicesList) return;
  const { items } = await api.mySessions();
  replaceChildren(devicesList, ...items.map(deviceItem));
}

function deletionSection(): HTMLElement {
  const password = field({
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'current-password',
    hint: 'Type your password to confirm.',
  });
  const button = submitButton('Delete my account', 'delete-account', 'button-danger');
  const form = settingsForm('delete-form', [password], button, null, async () => {
    await api.deleteAccount(password.input.value);
    setCurrentUser(null);
    navigate('/signin', { replace: true });
  });
  return section(
    'Delete account',
    'settings-delete',
    el(
      'p',
      {},
      'This removes your posts, follows, notifications and every signed-in device, at once and for good. Your username becomes free for anyone to take.',
    ),
    form,
  );
}

/** `/settings` (signed in). */
export async function settingsView(): Promise<Node> {
  document.title = 'Settings · Microblog';
  devicesList = el('ul', { class: 'people-list', 'data-testid': 'devices' });
  const page = el(
    'div',
    { class: 'stack' },
    el('h1', {}, 'Settings'),
    profileSection(),
    passwordSection(),
    section('Signed-in devices', 'settings-devices', devicesList),
    deletionSection(),
  );
  await renderDevices();
  return page;
}
