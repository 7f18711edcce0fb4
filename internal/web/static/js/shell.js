// The frame shared by the signed-in pages: user name, sign-out button and a
// session check when the tab comes back after a while.
import { ApiError, auth, getSession, redirectToLogin, requireSession } from './api.js';
import { $, h, toast, ready, showError, waitOut, whileBusy } from './ui.js';

/**
 * Waits for the session (or leaves for /login), fills the header and wires
 * sign-out. beforeSignOut runs (awaited) before the session ends.
 */
export async function startShell({ beforeSignOut } = {}) {
  let session;
  try {
    session = await requireSession();
  } catch (err) {
    bootFailed(err);
    throw err;
  }
  setUserName(session.user);
  if (!session.user.emailVerified) verifyBanner(session.user);
  if (new URLSearchParams(location.search).get('verified') === '1') {
    history.replaceState(null, '', location.pathname);
    if (session.user.emailVerified) toast('Your email is verified.');
  }
  const button = $('#sign-out');
  button.addEventListener('click', () => signOut(button, beforeSignOut));

  let hiddenAt = 0;
  document.addEventListener('visibilitychange', async () => {
    if (document.hidden) {
      hiddenAt = Date.now();
      return;
    }
    if (hiddenAt && Date.now() - hiddenAt > 60_000) {
      const s = await getSession({ fresh: true }).catch(() => session);
      if (!s) redirectToLogin();
    }
  });
  ready();
  return session;
}

/**
 * The "verify your email" banner under the header, with a resend button
 * that waits out the rate limit (3 per minute) like the sign-in form.
 */
function verifyBanner(user) {
  const box = h('p', { class: 'form-error', role: 'alert', hidden: '' });
  const resend = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'resend-verification' }, 'Send the link again');
  const text = h('p', { id: 'verify-text' }, 'Please verify your email address: open the link we sent to ', h('strong', {}, user.email), '.');
  const banner = h('section', { class: 'banner', id: 'verify-banner', 'aria-label': 'Email verification' },
    h('div', { class: 'banner-inner' }, text, resend, box));
  $('.topbar').after(banner);
  resend.addEventListener('click', async () => {
    showError(box, '');
    try {
      await whileBusy(resend, 'Sending…', () => auth.sendVerificationEmail(user.email));
      text.replaceChildren('We have sent a new link to ', h('strong', {}, user.email), '. It works for one hour.');
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) return waitOut(resend, box, err.retryAfter);
      if (err instanceof ApiError && err.code === 'EMAIL_ALREADY_VERIFIED') return banner.remove();
      showError(box, err.message);
    }
  });
}

/** Shows the user's name (or email) in the header. */
export function setUserName(user) {
  const el = $('#user-name');
  el.textContent = user.name || user.email;
  el.title = user.email;
}

/** Ends the session and goes to the sign-in page. */
export async function signOut(button, beforeSignOut) {
  button.disabled = true;
  try {
    if (beforeSignOut) await beforeSignOut();
    await auth.signOut();
    location.assign('/login?reason=signed-out');
  } catch (err) {
    button.disabled = false;
    toast(`Could not sign out: ${err.message}`, { kind: 'error' });
  }
}

/** Replaces the loading state with an error and a way to try again. */
function bootFailed(err) {
  const boot = $('#boot');
  if (!boot) return;
  boot.setAttribute('role', 'alert');
  boot.replaceChildren(
    h('div', { class: 'empty' },
      h('p', { class: 'empty-title' }, 'Latch could not load this page'),
      h('p', { class: 'muted' }, err.message || 'Please try again.'),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => location.reload() }, 'Try again')),
  );
}
