// Boots the app: asks the server who is signed in, then routes.
import { api, ApiError, whenUnauthenticated } from './api.ts';
import { signInView, signUpView } from './auth-views.ts';
import { el } from './dom.ts';
import { homeView } from './home-view.ts';
import { notificationsView } from './notifications-view.ts';
import { postView } from './post-view.ts';
import { oidcCallbackView } from './oidc-views.ts';
import { profileView } from './profile-view.ts';
import { fallback, navigate, route, startRouter } from './router.ts';
import { searchView } from './search-view.ts';
import { settingsView } from './settings-view.ts';
import { currentUser, onSessionChange, setCurrentUser } from './session.ts';
import { renderHeader } from './site-header.ts';

const header = document.getElementById('site-header');
const main = document.getElementById('main');
if (!header || !main) throw new Error('index.html lacks #site-header or #main');

/** Redirects to `to` (replacing the history entry) and renders nothing here. */
function redirect(to: string): null {
  queueMicrotask(() => navigate(to, { replace: true }));
  return null;
}

route(/^\/$/, async (context) => (currentUser() ? homeView(context) : redirect('/signin')));
route(/^\/signin\/?$/, async () => (currentUser() ? redirect('/') : signInView()));
route(/^\/signup\/?$/, async () => (currentUser() ? redirect('/') : signUpView()));
route(/^\/users\/([^/]+)\/?$/, profileView('posts'));
route(/^\/users\/([^/]+)\/followers\/?$/, profileView('followers'));
route(/^\/users\/([^/]+)\/following\/?$/, profileView('following'));
route(/^\/search\/?$/, searchView);
route(/^\/microposts\/([1-9][0-9]{0,18})\/?$/, postView);
route(/^\/settings\/?$/, async () => (currentUser() ? settingsView() : redirect('/signin')));
route(/^\/notifications\/?$/, async (context) => (currentUser() ? notificationsView(context) : redirect('/signin')));
route(/^\/oidc\/callback\/?$/, oidcCallbackView);
fallback(async () => {
  document.title = 'Not found · Microblog';
  return el(
    'div',
    { class: 'notice', 'data-testid': 'not-found' },
    'There is nothing at this address. ',
    el('a', { href: '/' }, 'Go home'),
  );
});

onSessionChange(() => renderHeader(header));
// An expired or revoked session: show the sign-in screen.
whenUnauthenticated(() => {
  if (!currentUser()) return;
  setCurrentUser(null);
  navigate('/signin', { replace: true });
});

async function boot(outlet: HTMLElement): Promise<void> {
  try {
    setCurrentUser((await api.getSession()).user);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) console.error(error);
    setCurrentUser(null);
  }
  startRouter(outlet);
}

void boot(main);
