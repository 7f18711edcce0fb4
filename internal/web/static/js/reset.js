// The reset-password page: the emailed link lands here with ?token= (or
// ?error=INVALID_TOKEN); the new password is typed twice.
import { ApiError, auth } from './api.js';
import { $, applyChecks, clearErrors, setFieldError, showError, waitOut, whileBusy, wirePasswordToggles } from './ui.js';
import * as check from './validate.js';

const form = $('#reset-form');
const box = $('#form-error');
const button = $('button[type=submit]', form);
const params = new URLSearchParams(location.search);
const token = params.get('token');

/** A rough strength label: length and variety of characters. */
export function strength(pw) {
  if (!pw) return '';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(pw)).length;
  if (pw.length < 8) return 'Too short';
  if (pw.length >= 16 || (pw.length >= 12 && classes >= 3)) return 'Strength: strong';
  if (pw.length >= 10 && classes >= 2) return 'Strength: fair';
  return 'Strength: weak — longer is better';
}

function invalid() {
  $('#reset-invalid').hidden = false;
  form.hidden = true;
}

if (!token || params.get('error')) {
  invalid();
} else {
  // Keep the token out of the address bar (and of history and screenshots).
  history.replaceState(null, '', location.pathname);
  wirePasswordToggles(form);
  const pw = form.elements.password;
  pw.addEventListener('input', () => { $('#password-strength').textContent = strength(pw.value); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    clearErrors(form);
    showError(box, '');
    const { password, confirm } = form.elements;
    const same = password.value === confirm.value ? '' : 'The passwords do not match.';
    if (!applyChecks([[password, check.newPassword(password.value)], [confirm, same]])) return;
    try {
      await whileBusy(button, 'Saving…', () => auth.resetPassword({ token, newPassword: password.value }));
    } catch (err) {
      if (!(err instanceof ApiError)) {
        showError(box, 'Something went wrong. Please try again.');
        throw err;
      }
      if (err.status === 429) return waitOut(button, box, err.retryAfter);
      if (err.code === 'INVALID_TOKEN') return invalid();
      if (err.code === 'PASSWORD_TOO_SHORT' || err.code === 'PASSWORD_TOO_LONG') {
        setFieldError(password, err.message);
        password.focus();
        return;
      }
      showError(box, err.message);
      return;
    }
    location.assign('/login?reason=reset');
  });
  pw.focus();
}
