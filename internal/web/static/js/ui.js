// Small DOM helpers shared by the pages. No framework: elements are built
// with the DOM API (never from HTML strings), so a strict CSP holds.

/** querySelector shorthand. */
export const $ = (sel, root = document) => root.querySelector(sel);
/** querySelectorAll as an array. */
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/**
 * Builds an element: h('button', {class: 'btn', onclick: fn}, 'Save').
 * Attribute values of false/null/undefined are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const ICONS = {
  edit: 'M4 20h4L19 9a2.8 2.8 0 0 0-4-4L4 16v4zM13.5 6.5l4 4',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  device: 'M4 5h16v11H4zM2 19h20',
  phone: 'M8 3h8a1 1 0 0 1 1 1v16a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM11 18h2',
  inbox: 'M4 13l2.5-8h11L20 13v6H4zM4 13h5l1 2h4l1-2h5',
};

/** An inline SVG icon (decorative). */
export function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** Says msg to screen readers through the page's polite live region. */
export function announce(msg) {
  const region = $('#announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => {
    region.textContent = msg;
  }, 30);
}

/**
 * Shows a toast. With action {label, run}, the toast offers a button.
 * Returns a function that dismisses it.
 */
export function toast(message, { action, timeout = 5000, kind = '' } = {}) {
  const region = $('#toasts');
  const item = h('div', { class: `toast ${kind}`.trim(), role: kind === 'error' ? 'alert' : 'status' }, h('span', {}, message));
  let timer = 0;
  const dismiss = () => {
    clearTimeout(timer);
    item.remove();
  };
  if (action) {
    item.append(
      h('button', {
        type: 'button',
        class: 'toast-action',
        onclick: () => {
          dismiss();
          action.run();
        },
      }, action.label),
    );
  }
  item.append(h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: dismiss }, '×'));
  region.append(item);
  if (timeout) timer = setTimeout(dismiss, timeout);
  return dismiss;
}

/** Shows (or with '' clears) the error under an input and marks it invalid. */
export function setFieldError(input, message) {
  const box = document.getElementById(`${input.id}-error`);
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (box) {
    box.textContent = message || '';
    box.hidden = !message;
  }
}

/** Clears every field error and the form-level error of form. */
export function clearErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) setFieldError(input, '');
  for (const box of form.querySelectorAll('.form-error')) {
    box.textContent = '';
    box.hidden = true;
  }
}

/** Shows a form-level error in box (a .form-error element). */
export function showError(box, message) {
  box.textContent = message;
  box.hidden = !message;
}

/**
 * Applies [[input, message], ...] checks; shows every error, focuses the
 * first bad field and returns false when any failed.
 */
export function applyChecks(checks) {
  let first = null;
  for (const [input, message] of checks) {
    setFieldError(input, message);
    if (message && !first) first = input;
  }
  if (first) first.focus();
  return !first;
}

/**
 * Marks a submit button busy while promise runs; the button keeps its width.
 * Returns the promise's result.
 */
export async function whileBusy(button, label, work) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = old;
  }
}

/**
 * Disables button for seconds and shows the wait in box; used after a 429.
 */
export function waitOut(button, box, seconds) {
  let left = Math.max(1, seconds || 10);
  const say = () => `Too many attempts. Please wait ${left} second${left === 1 ? '' : 's'} and try again.`;
  showError(box, say());
  button.disabled = true;
  const timer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      button.disabled = false;
      showError(box, '');
      return;
    }
    box.textContent = say();
  }, 1000);
}

/**
 * Returns next if it is a path on this origin (not a protocol-relative or
 * absolute URL, not the auth pages themselves), else '/'.
 */
export function safeNext(next) {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return '/';
  }
  if (url.origin !== location.origin) return '/';
  // Dot segments and backslashes are resolved by the parser, so "/.//evil"
  // or "/..//evil" become the path "//evil", which location.assign would
  // read as another host. Only a path starting with one "/" followed by
  // something other than "/" or "\" (also when percent-decoded) may go.
  const path = url.pathname;
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return '/';
  }
  if (/^\/[/\\]/.test(path) || /^\/[/\\]/.test(decoded) || !path.startsWith('/')) return '/';
  if (path === '/login' || path === '/register') return '/';
  return path + url.search + url.hash;
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "3 minutes ago", "yesterday", or a date for older times. */
export function relativeTime(iso) {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const s = Math.round((t - Date.now()) / 1000);
  const a = Math.abs(s);
  if (a < 45) return 'just now';
  if (a < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  if (a < 7 * 86400) return rtf.format(Math.round(s / 86400), 'day');
  return dtf.format(new Date(t));
}

/** A full local date and time, for title attributes. */
export function fullTime(iso) {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? dtf.format(new Date(t)) : '';
}

/** Wires every [data-toggle-password] button to show or hide its input. */
export function wirePasswordToggles(root = document) {
  for (const btn of $$('[data-toggle-password]', root)) {
    const input = document.getElementById(btn.dataset.togglePassword);
    btn.addEventListener('click', () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      btn.textContent = show ? 'Hide' : 'Show';
      btn.setAttribute('aria-pressed', String(show));
    });
  }
}

/** Reveals the page content once it is ready and hides the loading state. */
export function ready() {
  const boot = $('#boot');
  if (boot) boot.remove();
  const app = $('#app');
  if (app) app.hidden = false;
}

// A field's error goes away as soon as the user edits the field.
document.addEventListener('input', (ev) => {
  const el = ev.target;
  if (el instanceof HTMLElement && el.getAttribute('aria-invalid') === 'true') setFieldError(el, '');
});
