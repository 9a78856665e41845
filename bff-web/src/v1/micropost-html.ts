// Turns a micropost's text into safe HTML for rendering: everything escaped, newlines as <br>, `@name`
// linked only for users the post really mentions, and http(s) URLs linked.
import { LinkifyIt } from 'linkify-it';

const linkify = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
// Only http and https become links: no mailto:, ftp:, or protocol-relative //host.
linkify.add('mailto:', null).add('ftp:', null).add('//', null);

// The same token the domain reads mentions from.
const MENTION = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes the five HTML-significant characters. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function plain(text: string, mentions: Map<string, string>): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const registered = mentions.get((match[1] ?? '').toLowerCase());
    if (registered === undefined) continue;
    out +=
      escapeHtml(text.slice(last, match.index)) +
      `<a href="/users/${escapeHtml(registered)}">${escapeHtml(match[0])}</a>`;
    last = match.index + match[0].length;
  }
  return (out + escapeHtml(text.slice(last))).replace(/\n/g, '<br>');
}

/** The HTML of a micropost; `mentions` are the usernames (as registered) the post mentions. */
export function micropostHtml(text: string, mentions: readonly string[]): string {
  const known = new Map(mentions.map((name) => [name.toLowerCase(), name]));
  let out = '';
  let last = 0;
  for (const link of linkify.match(text) ?? []) {
    // Belt and braces: whatever linkify normalizes to, only an http(s) URL becomes an href.
    if (!/^https?:\/\//i.test(link.url)) continue;
    out += plain(text.slice(last, link.index), known);
    out += `<a href="${escapeHtml(link.url)}" rel="nofollow noopener noreferrer">${escapeHtml(link.text)}</a>`;
    last = link.lastIndex;
  }
  return out + plain(text.slice(last), known);
}
