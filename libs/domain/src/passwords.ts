import { hash, verify } from '@node-rs/argon2';
import type { FieldError } from './errors.ts';

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
// (`Algorithm` is a const enum, which type stripping cannot inline: 2 is its Argon2id.)
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

let commonPasswords: Promise<Set<string>> | undefined;

// Loaded on the first sign-up or password change, not at start: the package weighs about 20 MB in memory and
// most requests never need it. Lower-cased for a case-insensitive check; only entries long enough to pass the
// length rule matter.
function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) =>
      new Set((dictionary['passwords-common'] as string[]).filter((p) => p.length >= 8).map((p) => p.toLowerCase())),
  );
  return commonPasswords;
}

/** The field error for a new password (8..128 characters, not the username, not common), or null. */
export async function checkPassword(
  password: string,
  username: string,
  field = 'password',
): Promise<FieldError | null> {
  const length = [...password].length;
  if (length < 8) return { field, message: 'must be at least 8 characters' };
  if (length > 128) return { field, message: 'must be at most 128 characters' };
  if (password.toLowerCase() === username.toLowerCase()) return { field, message: 'must not be the username' };
  if ((await loadCommonPasswords()).has(password.toLowerCase()))
    return { field, message: 'is too common; choose another' };
  return null;
}

/** Hashes a password with argon2id (PHC string). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let decoyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown user) it verifies against a decoy,
 * so the answer costs the same either way and reveals nothing.
 */
export async function passwordMatches(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    decoyHash ??= hashPassword('decoy password that matches nothing');
    await verify(await decoyHash, password);
    return false;
  }
  return verify(storedHash, password);
}
