// The account page's change of email and deletion.
import { ApiError, auth } from './api.js';
import { $, applyChecks, clearErrors, setFieldError, showError, waitOut, whileBusy } from './ui.js';
import * as check from './validate.js';

// The address waiting for confirmation lives in the page's address
// (?pending=), so that a reload still shows it: the server keeps no
// pending state (the change travels in the emailed token), and Latch's
// pages use no web storage.
function showPending(user) {
  const el = $('#email-pending');
  const params = new URLSearchParams(location.search);
  let pending = params.get('pending');
  if (pending && pending === user.email) {
    history.replaceState(null, '', location.pathname);
    pending = null;
  }
  el.hidden = !pending;
  el.textContent = pending ? `Waiting for confirmation: open the link we sent to ${pending} to make it your email.` : '';
}

/** Wires the email and delete forms for the signed-in user. */
export function setupLifecycle(user) {
  showPending(user);
  if (new URLSearchParams(location.search).get('email-changed') === '1') {
    history.replaceState(null, '', location.pathname);
    $('#email-status').textContent = `Your email is now ${user.email}.`;
  }

  const emailForm = $('#email-form');
  const emailBox = $('#email-error');
  emailForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = $('button[type=submit]', emailForm);
    if (button.disabled) return;
    clearErrors(emailForm);
    showError(emailBox, '');
    const input = emailForm.elements.newEmail;
    const value = input.value.trim().toLowerCase();
    const same = value === user.email ? 'This is already your email.' : '';
    if (!applyChecks([[input, check.email(input.value) || same]])) return;
    try {
      await whileBusy(button, 'Sending…', () => auth.changeEmail(value));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) return waitOut(button, emailBox, err.retryAfter);
      showError(emailBox, err.message);
      return;
    }
    history.replaceState(null, '', `${location.pathname}?pending=${encodeURIComponent(value)}`);
    input.value = '';
    showPending(user);
  });

  const delForm = $('#delete-form');
  const delBox = $('#delete-error');
  delForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = $('button[type=submit]', delForm);
    if (button.disabled) return;
    clearErrors(delForm);
    showError(delBox, '');
    const { password, confirm } = delForm.elements;
    const typed = confirm.value.trim() === 'DELETE' ? '' : 'Type DELETE (in capitals) to confirm.';
    if (!applyChecks([[password, check.password(password.value)], [confirm, typed]])) return;
    let res;
    try {
      res = await whileBusy(button, 'Deleting…', () => auth.deleteUser(password.value));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) return waitOut(button, delBox, err.retryAfter);
      if (err instanceof ApiError && err.code === 'INVALID_PASSWORD') {
        setFieldError(password, 'The password is not correct.');
        password.focus();
        return;
      }
      showError(delBox, err.message);
      return;
    }
    if (res && res.message === 'Verification email sent') {
      $('#delete-status').textContent = `We have sent a link to ${user.email}: open it in this browser to confirm.`;
      delForm.reset();
      return;
    }
    location.assign('/login?reason=deleted');
  });
}
