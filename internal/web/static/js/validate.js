// Client-side checks that mirror what the API enforces, so that users see
// a clear message before a round trip. The API stays the authority.

/** Number of characters (code points), as the task API counts them. */
export const chars = (s) => [...s].length;

const EMAIL = /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

export function email(v) {
  const s = v.trim();
  if (!s) return 'Enter your email address.';
  if (!EMAIL.test(s)) return 'Enter a valid email address, like name@example.com.';
  return '';
}

/** Password for sign-up and new passwords: 8–128 characters. */
export function newPassword(v) {
  if (!v) return 'Enter a password.';
  if (v.length < 8) return 'Use at least 8 characters.';
  if (v.length > 128) return 'Use at most 128 characters.';
  return '';
}

/** Password for sign-in: present and not over the limit. */
export function password(v) {
  if (!v) return 'Enter your password.';
  if (v.length > 128) return 'Passwords are at most 128 characters.';
  return '';
}

export function name(v) {
  if (!v.trim()) return 'Enter your name.';
  return '';
}

const VISIBLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINES = /(?![\t\n\r])\p{Cc}/u;

/** Task title: 1–200 characters after trimming, one visible, no control characters. */
export function title(v) {
  const s = v.trim();
  const n = chars(s);
  if (n === 0 || !VISIBLE.test(s)) return 'Give the task a title.';
  if (CONTROL.test(s)) return 'Titles cannot contain control characters.';
  if (n > 200) return `Titles are at most 200 characters (this one has ${n}).`;
  return '';
}

/** Task description: at most 1000 characters, no control characters but line breaks and tabs. */
export function description(v) {
  const n = chars(v);
  if (CONTROL_BUT_LINES.test(v)) return 'Descriptions cannot contain control characters.';
  if (n > 1000) return `Descriptions are at most 1000 characters (this one has ${n}).`;
  return '';
}
