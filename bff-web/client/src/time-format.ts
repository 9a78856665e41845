// Human-friendly times: "5m", "3h" for recent posts, a date otherwise; the exact instant goes in <time datetime>.

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

/** A short label for when something happened, relative to now. */
export function shortTime(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 7 * 86400) return `${Math.floor(seconds / 86400)}d`;
  return dateFormat.format(new Date(iso));
}

/** The full date and time, for a tooltip. */
export function fullTime(iso: string): string {
  return fullFormat.format(new Date(iso));
}

/** "March 2025", for "Joined ...". */
export function monthAndYear(iso: string): string {
  return monthFormat.format(new Date(iso));
}
