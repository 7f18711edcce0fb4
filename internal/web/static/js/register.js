// The sign-up page.
import { auth } from './api.js';
import { $, applyChecks, clearErrors, whileBusy } from './ui.js';
import * as check from './validate.js';
import { setupAuthForm } from './auth-form.js';

setupAuthForm($('#register-form'), async (f, button) => {
  clearErrors(f);
  const { name, email, password } = f.elements;
  const ok = applyChecks([
    [name, check.name(name.value)],
    [email, check.email(email.value)],
    [password, check.newPassword(password.value)],
  ]);
  if (!ok) return false;
  const res = await whileBusy(button, 'Creating account…', () =>
    auth.signUp({ name: name.value.trim(), email: email.value.trim(), password: password.value }),
  );
  if (res && res.token === null) {
    // LATCH_REQUIRE_EMAIL_VERIFICATION: no session until the email is verified.
    f.hidden = true;
    const notice = $('#auth-notice');
    notice.textContent = `Check your inbox: we have sent a link to ${email.value.trim()}. Open it to verify your email, then sign in.`;
    notice.hidden = false;
    notice.focus();
    return false;
  }
  return true;
}, {
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'email',
  USER_ALREADY_EXISTS: 'email',
  INVALID_EMAIL: 'email',
  PASSWORD_TOO_SHORT: 'password',
  PASSWORD_TOO_LONG: 'password',
});
