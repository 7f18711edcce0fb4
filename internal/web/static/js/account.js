// The account page: name, password, sessions, email, deletion, sign out.
import { ApiError, auth, getSession, redirectToLogin } from './api.js';
import { startShell, setUserName, signOut } from './shell.js';
import { $, h, icon, announce, applyChecks, clearErrors, setFieldError, showError, whileBusy, waitOut, relativeTime, fullTime } from './ui.js';
import * as check from './validate.js';
import { setupLifecycle } from './account-lifecycle.js';

let session = null;

function status(el, message) {
  el.textContent = message;
  if (message) setTimeout(() => { if (el.textContent === message) el.textContent = ''; }, 6000);
}

/** "Chrome on Linux" from a user agent string. */
export function describeAgent(ua) {
  if (!ua) return 'Unknown device';
  const browser =
    /Edg\//.test(ua) ? 'Edge' :
    /OPR\/|Opera/.test(ua) ? 'Opera' :
    /Firefox\//.test(ua) ? 'Firefox' :
    /Chrom(e|ium)\/|HeadlessChrome/.test(ua) ? 'Chrome' :
    /Safari\//.test(ua) ? 'Safari' : '';
  const os =
    /iPhone|iPad|iPod/.test(ua) ? 'iOS' :
    /Android/.test(ua) ? 'Android' :
    /CrOS/.test(ua) ? 'ChromeOS' :
    /Windows/.test(ua) ? 'Windows' :
    /Mac OS X|Macintosh/.test(ua) ? 'macOS' :
    /Linux/.test(ua) ? 'Linux' : '';
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return browser || os;
  return ua.length > 40 ? ua.slice(0, 40) + '…' : ua;
}

function isMobile(ua) {
  return /Mobile|Android|iPhone|iPad/.test(ua || '');
}

async function loadSessions() {
  const box = $('#sessions-state');
  const list = $('#sessions');
  box.replaceChildren(h('div', { class: 'state-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading sessions…'));
  let all;
  try {
    all = await auth.listSessions();
  } catch (err) {
    list.replaceChildren();
    const msg = err instanceof ApiError && err.code === 'SESSION_NOT_FRESH'
      ? 'For your security, listing sessions needs a recent sign-in. Sign out and sign in again to see them.'
      : `Could not load your sessions: ${err.message}`;
    box.replaceChildren(h('p', { class: 'notice notice-error' }, msg));
    return;
  }
  box.replaceChildren();
  const mine = session.session;
  const isCurrent = (s) => (mine.token && s.token === mine.token) || (mine.id && s.id === mine.id);
  all.sort((a, b) => (isCurrent(b) - isCurrent(a)) || (Date.parse(b.updatedAt || b.createdAt) - Date.parse(a.updatedAt || a.createdAt)));
  list.replaceChildren(...all.map((s) => sessionItem(s, isCurrent(s))));
  updateOthers();
}

function sessionItem(s, current) {
  const name = describeAgent(s.userAgent);
  const meta = [];
  if (s.ipAddress) meta.push(s.ipAddress);
  meta.push(`signed in ${relativeTime(s.createdAt)}`);
  const li = h('li', { class: current ? 'session is-current' : 'session' },
    h('span', { class: 'session-icon' }, icon(isMobile(s.userAgent) ? 'phone' : 'device')),
    h('div', { class: 'session-main' },
      h('p', { class: 'session-name' }, name, current ? h('span', { class: 'badge' }, 'This device') : null),
      h('p', { class: 'session-meta', title: fullTime(s.createdAt) }, meta.join(' · '))));
  if (!current) {
    const btn = h('button', { type: 'button', class: 'btn btn-quiet btn-small', 'aria-label': `Sign out ${name}` }, 'Sign out');
    btn.addEventListener('click', async () => {
      try {
        await whileBusy(btn, 'Signing out…', () => auth.revokeSession(s.token));
        li.remove();
        announce(`Signed out ${name}.`);
        updateOthers();
      } catch (err) {
        showSessionsError(err);
      }
    });
    li.append(btn);
  }
  return li;
}

/** Offers "Sign out other sessions" only when there are other sessions. */
function updateOthers() {
  const alone = $('#sessions').children.length < 2;
  $('#revoke-others').hidden = alone;
  $('#sessions-alone').hidden = !alone;
}

function showSessionsError(err) {
  $('#sessions-state').replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, err.message));
}

function wireName() {
  const form = $('#name-form');
  const input = form.elements.name;
  input.value = session.user.name || '';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!applyChecks([[input, check.name(input.value)]])) return;
    const name = input.value.trim();
    try {
      await whileBusy($('button[type=submit]', form), 'Saving…', () => auth.updateUser({ name }));
      session.user.name = name;
      setUserName(session.user);
      status($('#name-status'), 'Name saved.');
    } catch (err) {
      setFieldError(input, err.message);
    }
  });
}

function wirePassword() {
  const form = $('#password-form');
  const { currentPassword, newPassword, confirmPassword, revokeOtherSessions } = form.elements;
  const button = $('button[type=submit]', form);
  const box = $('#password-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const ok = applyChecks([
      [currentPassword, currentPassword.value ? '' : 'Enter your current password.'],
      [newPassword, check.newPassword(newPassword.value)],
      [confirmPassword, confirmPassword.value === newPassword.value ? '' : 'The two new passwords do not match.'],
    ]);
    if (!ok) return;
    const revoke = revokeOtherSessions.checked;
    try {
      await whileBusy(button, 'Changing…', () => auth.changePassword({
        currentPassword: currentPassword.value, newPassword: newPassword.value, revokeOtherSessions: revoke,
      }));
      form.reset();
      revokeOtherSessions.checked = revoke;
      status($('#password-status'), revoke ? 'Password changed. Other sessions were signed out.' : 'Password changed.');
      if (revoke) {
        session = (await getSession({ fresh: true })) || (await redirectToLogin());
        await loadSessions();
      }
    } catch (err) {
      if (err.status === 429) return waitOut(button, box, err.retryAfter);
      const field = { INVALID_PASSWORD: currentPassword, PASSWORD_TOO_SHORT: newPassword, PASSWORD_TOO_LONG: newPassword }[err.code];
      if (field) {
        setFieldError(field, err.code === 'INVALID_PASSWORD' ? 'That is not your current password.' : err.message);
        field.focus();
      } else {
        showError(box, err.message);
      }
    }
  });
}

async function main() {
  session = await startShell();
  $('#account-email').textContent = `Signed in as ${session.user.email}`;
  $('#email-value').textContent = session.user.email;
  wireName();
  wirePassword();
  setupLifecycle(session.user);
  const others = $('#revoke-others');
  others.addEventListener('click', async () => {
    try {
      await whileBusy(others, 'Signing out…', () => auth.revokeOtherSessions());
      announce('Other sessions signed out.');
      await loadSessions();
    } catch (err) {
      showSessionsError(err);
    }
  });
  const here = $('#sign-out-here');
  here.addEventListener('click', () => signOut(here));
  await loadSessions();
}

main().catch((err) => {
  // API failures are shown on the page (startShell, load); anything else is a bug.
  if (!(err instanceof ApiError)) throw err;
});
