import { ValidationError, type FieldError } from './errors.ts';

/** Longest micropost, in Unicode code points after NFC normalization. */
export const MICROPOST_MAX_CHARS = 255;
const USERNAME = /^[A-Za-z0-9_]{3,30}$/;
// Control characters (C0, DEL, C1) other than the newline: matching them is the point.
// oxlint-disable-next-line no-control-regex
const FORBIDDEN_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/u;
// Characters that show nothing: white space, format characters (Cf: zero-width space and joiners, BOM, bidi marks...)
// and the rest of Default_Ignorable_Code_Point (variation selectors, Hangul fillers...).
const NOTHING_VISIBLE = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u;

/** Whether a text shows nothing at all: empty, or only white space and invisible (Cf / default-ignorable) characters. */
export function showsNothing(text: string): boolean {
  return NOTHING_VISIBLE.test(text);
}

/** Counts what the rules call a character: one Unicode code point. */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function checkFreeText(field: string, value: string, max: number, min: number): FieldError | null {
  if (!value.isWellFormed()) return { field, message: 'must not contain unpaired surrogates' };
  const text = value.normalize('NFC');
  if (FORBIDDEN_CONTROL.test(text)) {
    return { field, message: 'must not contain control characters other than a newline' };
  }
  const length = countChars(text);
  if (length < min) return { field, message: min === 1 ? 'must not be empty' : `must be at least ${min} characters` };
  if (length > max) return { field, message: `must be at most ${max} characters (got ${length})` };
  if (length > 0 && showsNothing(text))
    return { field, message: 'must not be only whitespace or invisible characters' };
  return null;
}

/** Normalizes micropost text to NFC and checks it, throwing a ValidationError on field `text`. */
export function normalizeMicropostText(value: string): string {
  const error = checkFreeText('text', value, MICROPOST_MAX_CHARS, 1);
  if (error) throw new ValidationError([error]);
  return value.normalize('NFC');
}

/** The field error for a username, or null when it is acceptable. */
export function checkUsername(username: string): FieldError | null {
  return USERNAME.test(username)
    ? null
    : { field: 'username', message: 'must be 3 to 30 letters, digits or underscores' };
}

/** The key that makes usernames unique without regard to case. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** The field error for a display name (0..50 characters), or null. */
export function checkDisplayName(value: string): FieldError | null {
  return (
    checkFreeText('displayName', value, 50, 0) ??
    (value.includes('\n') ? { field: 'displayName', message: 'must be a single line' } : null)
  );
}

/** The field error for a bio (0..160 characters), or null. */
export function checkBio(value: string): FieldError | null {
  return checkFreeText('bio', value, 160, 0);
}

const MENTION = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])/g;

/** The distinct usernames written as `@username` in a text, lower-cased, in order of appearance. */
export function mentionedUsernameKeys(text: string): string[] {
  const keys = new Set<string>();
  for (const match of text.matchAll(MENTION)) keys.add(usernameKey(match[1] ?? ''));
  return [...keys];
}
