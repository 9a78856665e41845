// The server's rule for micropost length, so the counter agrees with what the server will accept.

/** The longest micropost, in Unicode code points after NFC normalization. */
export const MICROPOST_MAX_CHARS = 255;

/** How many characters the server counts: code points of the NFC form. */
export function countChars(text: string): number {
  return [...text.normalize('NFC')].length;
}

// White space, format characters (zero-width space and joiners, BOM...) and other default-ignorables show nothing.
const NOTHING_VISIBLE = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u;

/** Whether a text could be posted: 1 to 255 characters, not only whitespace or invisible characters. */
export function isPostable(text: string): boolean {
  const length = countChars(text);
  return length > 0 && length <= MICROPOST_MAX_CHARS && !NOTHING_VISIBLE.test(text);
}

/** Search needs 3 to 100 characters (code points). */
export function isSearchable(q: string): boolean {
  const length = [...q].length;
  return length >= 3 && length <= 100;
}
