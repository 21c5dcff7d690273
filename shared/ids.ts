import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Alphabet for pseudonymous codes: no 0/O, 1/I/L, U, to survive being read aloud or handwritten. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Ids an imported raw export may carry. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const SITE_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** A release id: the day it was built (`2027-03-01`), then `.2`, `.3` … for more releases that day. */
export const RELEASE_ID_PATTERN = /^\d{4}-\d{2}-\d{2}(\.[1-9][0-9]*)?$/;

/** A fresh therapist (`T-…`) or dyad (`D-…`) code of 6 random characters. */
export function newCode(prefix: 'T' | 'D'): string {
  let code = `${prefix}-`;
  for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A link token: 144 random bits, base64url (24 characters). */
export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

/** The only form in which a token is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Tokens look like this; anything else is rejected before touching the store. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A questionnaire page's submission id (DESIGN §5): 128 random bits, base64url (22 characters). */
export function newSubmissionId(): string {
  return randomBytes(16).toString('base64url');
}

/** Submission ids look like this: at least 96 bits of base64url. */
export const SUBMISSION_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
