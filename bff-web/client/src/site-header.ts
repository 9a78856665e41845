// The top bar: the app's name and, depending on who is signed in, navigation and sign out.
import { api } from './api.ts';
import { el, replaceChildren } from './dom.ts';
import { notificationsLink, stopNotificationBadge } from './notification-badge.ts';
import { navigate } from './router.ts';
import { currentUser, setCurrentUser } from './session.ts';

/** Draws the header for the current session into `header`. */
export function renderHeader(header: HTMLElement): void {
  const user = currentUser();
  const nav = el('nav', { class: 'site-nav', 'aria-label': 'Main' });
  if (user) {
    const signOut = el(
      'button',
      { type: 'button', class: 'button button-small', 'data-testid': 'sign-out' },
      'Sign out',
    );
    signOut.addEventListener('click', () => {
      signOut.disabled = true;
      // A session that came from a provider also ends there (RP-initiated logout), which sends the browser back home.
      api
        .signOutWithProvider()
        .then(({ endSessionUrl }) => {
          setCurrentUser(null);
          if (endSessionUrl !== null) location.assign(endSessionUrl);
          else navigate('/signin', { replace: true });
        })
        .catch((error: unknown) => {
          console.error(error);
          setCurrentUser(null);
          navigate('/signin', { replace: true });
        });
    });
    nav.append(
      // On a phone the brand is the way home, which keeps the bar on one line.
      el('a', { href: '/', 'data-testid': 'nav-home', class: 'wide-only' }, 'Home'),
      el('a', { href: '/search', 'data-testid': 'nav-search' }, 'Search'),
      notificationsLink(),
      el(
        'a',
        {
          href: `/users/${encodeURIComponent(user.username)}`,
          'data-testid': 'nav-profile',
          class: 'nav-profile',
          title: `@${user.username}`,
        },
        el('span', { class: 'wide-only' }, `@${user.username}`),
        el('span', { class: 'narrow-only' }, 'Profile'),
      ),
      signOut,
    );
  } else {
    stopNotificationBadge();
    nav.append(
      el('a', { href: '/search', 'data-testid': 'nav-search' }, 'Search'),
      el('a', { href: '/signin', 'data-testid': 'nav-signin' }, 'Sign in'),
      el('a', { href: '/signup', class: 'button button-primary button-small', 'data-testid': 'nav-signup' }, 'Sign up'),
    );
  }
  replaceChildren(
    header,
    el(
      'div',
      { class: 'column header-inner' },
      el('a', { href: '/', class: 'brand', 'data-testid': 'brand' }, 'Microblog'),
      nav,
    ),
  );
}
