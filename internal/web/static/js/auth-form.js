// Shared behaviour of the sign-in and sign-up pages.
import { ApiError, getSession } from './api.js';
import { $, showError, waitOut, safeNext, wirePasswordToggles, setFieldError } from './ui.js';

/** The same-origin path to go to after signing in (from ?next=). */
export function nextPath() {
  return safeNext(new URLSearchParams(location.search).get('next') || '/');
}

/**
 * Sets up an auth form: carries ?next= over to the other auth page, sends
 * an already signed-in visitor on, and runs submit(form) on submit.
 * errorField maps an API error code to the input that should show it;
 * messages replaces the server's message for some codes.
 */
export function setupAuthForm(form, submit, errorField = {}, messages = {}) {
  const next = nextPath();
  const button = $('button[type=submit]', form);
  const box = $('#form-error', form);
  const link = $('#switch-link');
  if (link && next !== '/') link.href = `${link.pathname}?next=${encodeURIComponent(next)}`;
  wirePasswordToggles(form);

  getSession()
    .then((s) => {
      if (s) location.replace(next);
    })
    .catch(() => {});

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (button.disabled) return;
    showError(box, '');
    try {
      const done = await submit(form, button);
      if (done) location.assign(next);
    } catch (err) {
      if (!(err instanceof ApiError)) {
        showError(box, 'Something went wrong. Please try again.');
        throw err;
      }
      if (err.status === 429) {
        waitOut(button, box, err.retryAfter);
        return;
      }
      const input = errorField[err.code] && form.elements[errorField[err.code]];
      if (input) {
        setFieldError(input, err.message);
        input.focus();
      } else {
        showError(box, messages[err.code] || err.message);
      }
    }
  });
  $('input', form).focus();
}
