// Who is signed in, as last told by the server; the header and the views read it.
import type { CurrentUser } from '@microblog/web-contract';

let current: CurrentUser | null = null;
const listeners = new Set<() => void>();

/** The signed-in user, or null. */
export function currentUser(): CurrentUser | null {
  return current;
}

/** Records who is signed in (null: nobody) and tells the listeners. */
export function setCurrentUser(user: CurrentUser | null): void {
  current = user;
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever the signed-in user changes. */
export function onSessionChange(listener: () => void): void {
  listeners.add(listener);
}
