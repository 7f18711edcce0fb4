// The forgot-password page: asks for a reset link by email.
import { ApiError, auth } from './api.js';
import { $, applyChecks, clearErrors, showError, waitOut, whileBusy } from './ui.js';
import * as check from './validate.js';

const form = $('#forgot-form');
const box = $('#form-error');
const button = $('button[type=submit]', form);
const sent = $('#forgot-sent');

async function request() {
  clearErrors(form);
  showError(box, '');
  const { email } = form.elements;
  if (!applyChecks([[email, check.email(email.value)]])) return;
  try {
    await whileBusy(button, 'Sending…', () => auth.requestPasswordReset(email.value.trim()));
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) {
      sent.hidden = true;
      form.hidden = false;
      waitOut(button, box, err.retryAfter);
      return;
    }
    showError(box, err instanceof ApiError ? err.message : 'Something went wrong. Please try again.');
    return;
  }
  $('#sent-text').textContent = `If an account uses ${email.value.trim()}, we have sent it a link to choose a new password.`;
  form.hidden = true;
  sent.hidden = false;
  sent.focus();
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (!button.disabled) request();
});
$('#send-again').addEventListener('click', () => {
  sent.hidden = true;
  form.hidden = false;
  request();
});
const prefill = new URLSearchParams(location.search).get('email');
if (prefill) form.elements.email.value = prefill;
form.elements.email.focus();
