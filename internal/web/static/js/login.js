// The sign-in page.
import { auth } from './api.js';
import { $, applyChecks, clearErrors, whileBusy } from './ui.js';
import * as check from './validate.js';
import { setupAuthForm } from './auth-form.js';

const form = $('#login-form');
const reason = new URLSearchParams(location.search).get('reason');
if (reason === 'expired' || reason === 'signed-out') {
  const notice = $('#auth-notice');
  notice.textContent =
    reason === 'expired' ? 'Your session has ended. Please sign in again.' : 'You have been signed out.';
  notice.hidden = false;
}

setupAuthForm(form, async (f, button) => {
  clearErrors(f);
  const { email, password, rememberMe } = f.elements;
  if (!applyChecks([[email, check.email(email.value)], [password, check.password(password.value)]])) return false;
  await whileBusy(button, 'Signing in…', () =>
    auth.signIn({ email: email.value.trim(), password: password.value, rememberMe: rememberMe.checked }),
  );
  return true;
}, { INVALID_EMAIL: 'email', PASSWORD_TOO_LONG: 'password' });
