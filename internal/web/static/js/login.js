// The sign-in page.
import { auth } from './api.js';
import { $, applyChecks, clearErrors, whileBusy } from './ui.js';
import * as check from './validate.js';
import { setupAuthForm } from './auth-form.js';

const form = $('#login-form');
const reason = new URLSearchParams(location.search).get('reason');
const notices = {
  expired: 'Your session has ended. Please sign in again.',
  'signed-out': 'You have been signed out.',
  reset: 'Your password has been changed. Sign in with the new one.',
  deleted: 'Your account has been deleted.',
};
if (notices[reason]) {
  const notice = $('#auth-notice');
  notice.textContent = notices[reason];
  notice.hidden = false;
}
$('#forgot-link').addEventListener('click', (ev) => {
  const email = form.elements.email.value.trim();
  if (email) ev.currentTarget.href = '/forgot-password?email=' + encodeURIComponent(email);
});

setupAuthForm(form, async (f, button) => {
  clearErrors(f);
  const { email, password, rememberMe } = f.elements;
  if (!applyChecks([[email, check.email(email.value)], [password, check.password(password.value)]])) return false;
  await whileBusy(button, 'Signing in…', () =>
    auth.signIn({ email: email.value.trim(), password: password.value, rememberMe: rememberMe.checked }),
  );
  return true;
}, { INVALID_EMAIL: 'email', PASSWORD_TOO_LONG: 'password' }, {
  // LATCH_REQUIRE_EMAIL_VERIFICATION: the server has mailed a fresh link.
  EMAIL_NOT_VERIFIED: 'Please verify your email first: we have sent you a new link. Open it, then sign in.',
});
