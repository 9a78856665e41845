// Sign up and sign in: on success the server has set the session cookie; the app goes home.
import type { SessionInfo } from '@microblog/web-contract';
import { api } from './api.ts';
import { el } from './dom.ts';
import { field, formError, showError, whileBusy, type Field } from './forms.ts';
import { providerButtons } from './oidc-views.ts';
import { navigate } from './router.ts';
import { setCurrentUser } from './session.ts';

function authForm(options: {
  title: string;
  testid: string;
  fields: Field[];
  submitLabel: string;
  footer: Node;
  submit: (values: Record<string, string>) => Promise<SessionInfo>;
}): HTMLElement {
  const summary = formError();
  const submit = el(
    'button',
    { type: 'submit', class: 'button button-primary button-wide', 'data-testid': `${options.testid}-submit` },
    options.submitLabel,
  );
  const form = el(
    'form',
    { class: 'card auth-form', 'data-testid': options.testid, novalidate: true },
    el('h1', {}, options.title),
    summary,
    ...options.fields.map((f) => f.wrapper),
    submit,
    el('p', { class: 'auth-switch' }, options.footer),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values = Object.fromEntries(options.fields.map((f) => [f.name, f.input.value]));
    void whileBusy(submit, async () => {
      try {
        const session = await options.submit(values);
        setCurrentUser(session.user);
        navigate('/', { replace: true });
      } catch (error) {
        showError(error, options.fields, summary);
      }
    });
  });
  queueMicrotask(() => options.fields[0]?.input.focus());
  return form;
}

/** The sign-in screen: username and password, and a button per OpenID Connect provider. */
export function signInView(): HTMLElement {
  document.title = 'Sign in · Microblog';
  return el('div', { class: 'auth-page' }, signInForm(), providerButtons());
}

function signInForm(): HTMLElement {
  return authForm({
    title: 'Sign in',
    testid: 'signin-form',
    submitLabel: 'Sign in',
    fields: [
      field({ name: 'username', label: 'Username', autocomplete: 'username', required: true }),
      field({
        name: 'password',
        label: 'Password',
        type: 'password',
        autocomplete: 'current-password',
        required: true,
      }),
    ],
    footer: el('span', {}, 'New here? ', el('a', { href: '/signup', 'data-testid': 'to-signup' }, 'Create an account')),
    submit: ({ username = '', password = '' }) => api.signIn({ username, password }),
  });
}

/** The sign-up screen. */
export function signUpView(): HTMLElement {
  document.title = 'Sign up · Microblog';
  return authForm({
    title: 'Create your account',
    testid: 'signup-form',
    submitLabel: 'Sign up',
    fields: [
      field({
        name: 'username',
        label: 'Username',
        autocomplete: 'username',
        required: true,
        hint: '3 to 30 letters, digits or underscores.',
      }),
      field({ name: 'displayName', label: 'Display name (optional)', autocomplete: 'name' }),
      field({
        name: 'password',
        label: 'Password',
        type: 'password',
        autocomplete: 'new-password',
        required: true,
        hint: 'At least 8 characters.',
      }),
    ],
    footer: el(
      'span',
      {},
      'Already have an account? ',
      el('a', { href: '/signin', 'data-testid': 'to-signin' }, 'Sign in'),
    ),
    submit: ({ username = '', password = '', displayName = '' }) =>
      api.signUp(displayName === '' ? { username, password } : { username, password, displayName }),
  });
}
