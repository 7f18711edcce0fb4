// The frame shared by the signed-in pages: user name, sign-out button and a
// session check when the tab comes back after a while.
import { auth, getSession, redirectToLogin, requireSession } from './api.js';
import { $, h, toast, ready } from './ui.js';

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
