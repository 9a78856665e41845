// Signing in through an OpenID Connect provider: the "Sign in with …" buttons, the /oidc/callback page the
// provider redirects back to (it hands the code to bff-web, which keeps every token), and the username choice
// of a first sign-in whose preferred name is taken.
import { api, ApiError } from './api.ts';
import { el, replaceChildren } from './dom.ts';
import { field, formError, showError, whileBusy } from './forms.ts';
import { navigate, type RouteContext } from './router.ts';
import { currentUser, setCurrentUser } from './session.ts';

/** "Sign in with <provider>" buttons, one per configured provider (nothing when there are none). */
export function providerButtons(): HTMLElement {
  const box = el('div', { class: 'card provider-buttons', 'data-testid': 'provider-buttons', hidden: true });
  void api
    .identityProviders()
    .then(({ items }) => {
      if (items.length === 0) return;
      const summary = formError();
      const buttons = items.map((provider) => {
        const button = el(
          'button',
          { type: 'button', class: 'button button-wide', 'data-testid': `sign-in-with-${provider.id}` },
          `Sign in with ${provider.name}`,
        );
        button.addEventListener('click', () => {
          void whileBusy(button, async () => {
            try {
              const { authorizationUrl } = await api.startProviderSignIn(provider.id);
              location.assign(authorizationUrl);
            } catch (error) {
              showError(error, [], summary);
            }
          });
        });
        return button;
      });
      replaceChildren(box, summary, ...buttons);
      box.hidden = false;
    })
    .catch((error: unknown) => console.error(error));
  return box;
}

function usernameChoice(suggested: string | null): HTMLElement {
  const summary = formError();
  const username = field({
    name: 'username',
    label: 'Username',
    autocomplete: 'username',
    required: true,
    hint: '3 to 30 letters, digits or underscores.',
    ...(suggested === null ? {} : { value: suggested }),
  });
  const submit = el(
    'button',
    { type: 'submit', class: 'button button-primary button-wide', 'data-testid': 'choose-username-submit' },
    'Continue',
  );
  const form = el(
    'form',
    { class: 'card auth-form', 'data-testid': 'choose-username-form', novalidate: true },
    el('h1', {}, 'Choose a username'),
    el('p', {}, suggested === null ? 'Pick the name people will see.' : 'That name is taken here; pick another.'),
    summary,
    username.wrapper,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void whileBusy(submit, async () => {
      try {
        const session = await api.finishProviderSignUp(username.input.value);
        setCurrentUser(session.user);
        navigate('/', { replace: true });
      } catch (error) {
        showError(error, [username], summary);
      }
    });
  });
  queueMicrotask(() => username.input.focus());
  return form;
}

function failure(message: string): HTMLElement {
  return el(
    'div',
    { class: 'notice notice-error', role: 'alert', 'data-testid': 'oidc-error' },
    message,
    ' ',
    el('a', { href: '/signin' }, 'Back to sign in'),
  );
}

// A code is good once; a second render of this page (back button) must not spend it again.
const spent = new Set<string>();

/** The page the provider redirects back to. */
export async function oidcCallbackView({ query }: RouteContext): Promise<Node | null> {
  document.title = 'Signing in · Microblog';
  const code = query.get('code');
  const state = query.get('state');
  const iss = query.get('iss');
  // The code leaves the address bar and the history at once.
  history.replaceState(null, '', '/oidc/callback');
  if (query.get('error') !== null || code === null || state === null) {
    return failure(
      query.get('error') === 'access_denied' ? 'Sign-in was cancelled.' : 'The sign-in provider did not sign you in.',
    );
  }
  if (spent.has(code)) return failure('This sign-in was already used.');
  spent.add(code);
  try {
    const result = await api.finishProviderSignIn(iss === null ? { code, state } : { code, state, iss });
    if (result.outcome === 'username_required') return usernameChoice(result.suggestedUsername);
    if (result.outcome === 'signed_in') setCurrentUser(result.session.user);
    const me = currentUser();
    // After linking, back to where the link was asked for: the own profile's sign-in methods.
    const next = result.outcome === 'linked' && me ? `/users/${encodeURIComponent(me.username)}` : '/';
    queueMicrotask(() => navigate(next, { replace: true }));
    return null;
  } catch (error) {
    return failure(
      error instanceof ApiError ? (error.problem.detail ?? error.problem.title) : 'Something went wrong. Try again.',
    );
  }
}

/** On the own profile: the linked providers (unlink) and the configured ones not linked yet (link). */
export function signInMethodsCard(): HTMLElement {
  const card = el('section', { class: 'card sign-in-methods', 'data-testid': 'sign-in-methods', hidden: true });
  const summary = formError();
  const draw = async (): Promise<void> => {
    const [{ items: providers }, methods] = await Promise.all([api.identityProviders(), api.signInMethods()]);
    if (providers.length === 0 && methods.identities.length === 0) return;
    const linked = new Set(methods.identities.map((identity) => identity.provider));
    const rows = methods.identities.map((identity) => {
      const unlink = el(
        'button',
        { type: 'button', class: 'button button-small', 'data-testid': `unlink-${identity.provider}` },
        'Unlink',
      );
      unlink.addEventListener('click', () => {
        void whileBusy(unlink, async () => {
          try {
            await api.unlinkProvider(identity.provider);
            await draw();
          } catch (error) {
            showError(error, [], summary);
          }
        });
      });
      return el('li', { 'data-testid': `linked-${identity.provider}` }, `${identity.providerName} `, unlink);
    });
    const links = providers
      .filter((provider) => !linked.has(provider.id))
      .map((provider) => {
        const link = el(
          'button',
          { type: 'button', class: 'button button-small', 'data-testid': `link-${provider.id}` },
          `Link ${provider.name}`,
        );
        link.addEventListener('click', () => {
          void whileBusy(link, async () => {
            try {
              location.assign((await api.startProviderSignIn(provider.id, 'link')).authorizationUrl);
            } catch (error) {
              showError(error, [], summary);
            }
          });
        });
        return link;
      });
    replaceChildren(
      card,
      el('h2', { class: 'section-title' }, 'Ways to sign in'),
      summary,
      el('p', {}, methods.hasPassword ? 'Password, and:' : 'No password; only:'),
      rows.length > 0
        ? el('ul', { class: 'linked-providers' }, ...rows)
        : el('p', { class: 'empty' }, 'No provider linked.'),
      ...links,
    );
    card.hidden = false;
  };
  void draw().catch((error: unknown) => console.error(error));
  return card;
}
