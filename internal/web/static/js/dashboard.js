// The task dashboard: list, add, edit in place, toggle, filter, delete with undo.
// This module loads the tasks and makes the changes; the list and in-place
// editing are in dashboard-list.js, the shared state in dashboard-state.js.
import { ApiError, tasks } from './api.js';
import { startShell } from './shell.js';
import { $, $$, announce, toast, applyChecks, clearErrors, showError, whileBusy, waitOut } from './ui.js';
import * as check from './validate.js';
import { state, inflight, replaceTask, setFilter } from './dashboard-state.js';
import { render, showFieldErrors, focusTask, setListActions } from './dashboard-list.js';

const UNDO_MS = 6000;

// ---- loading ---------------------------------------------------------------

async function load() {
  state.status = 'loading';
  render();
  try {
    const page = await tasks.list({ limit: 200, total: true });
    state.items = page.items;
    state.next = page.next;
    state.total = page.total ?? state.items.length;
    if (!state.next) {
      const done = state.items.filter((t) => t.completed).length;
      state.counts = { all: state.items.length, pending: state.items.length - done, completed: done };
    } else {
      const pending = await tasks.count('pending');
      state.counts = { all: state.total, pending, completed: state.total - pending };
    }
    state.status = 'ready';
  } catch (err) {
    state.status = 'error';
    state.error = err.message;
  }
  render();
}

async function loadMore(button) {
  try {
    await whileBusy(button, 'Loading…', async () => {
      const page = await tasks.more(state.next);
      const seen = new Set(state.items.map((t) => t.id));
      state.items.push(...page.items.filter((t) => !seen.has(t.id)));
      state.next = page.next;
    });
  } catch (err) {
    toast(`Could not load more tasks: ${err.message}`, { kind: 'error' });
  }
  render();
}

// ---- changes ---------------------------------------------------------------

async function add(form) {
  const { title, description } = form.elements;
  const errorBox = $('#add-error');
  clearErrors(form);
  if (!applyChecks([[title, check.title(title.value)], [description, check.description(description.value)]])) return;
  try {
    const t = await whileBusy($('#add-button'), 'Adding…', () =>
      tasks.create({ title: title.value.trim(), description: description.value.trim() }),
    );
    state.items.unshift(t);
    state.total += 1;
    state.counts.all += 1;
    state.counts[t.completed ? 'completed' : 'pending'] += 1;
    if (state.filter === 'completed') setFilter('all');
    form.reset();
    updateCounter();
    render();
    title.focus();
    announce(`Added “${t.title}”.`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 429) waitOut($('#add-button'), errorBox, err.retryAfter);
    else if (!(err instanceof ApiError && showFieldErrors(err, { title, description }))) showError(errorBox, err.message);
  }
}

async function toggle(id, box) {
  const t = state.items.find((x) => x.id === id);
  if (!t || inflight.has(id)) return;
  inflight.add(id);
  box.setAttribute('aria-busy', 'true');
  try {
    const updated = await tasks.toggle(id);
    replaceTask(updated);
    if (updated.completed !== t.completed) {
      state.counts.pending += updated.completed ? -1 : 1;
      state.counts.completed += updated.completed ? 1 : -1;
    }
    announce(updated.completed ? `Marked “${updated.title}” done.` : `Marked “${updated.title}” not done.`);
  } catch (err) {
    box.checked = t.completed;
    toast(`Could not update the task: ${err.message}`, { kind: 'error' });
  }
  inflight.delete(id);
  render();
}

function remove(id) {
  const t = state.items.find((x) => x.id === id);
  if (!t || state.deleting.has(id)) return;
  const pending = { timer: setTimeout(() => commitDelete(id), UNDO_MS), dismiss: () => {} };
  state.deleting.set(id, pending);
  render();
  pending.dismiss = toast(`Deleted “${t.title}”.`, {
    timeout: UNDO_MS,
    action: { label: 'Undo', run: () => undoDelete(id) },
  });
  announce(`Deleted “${t.title}”. To undo, press Control Z or use the Undo button.`);
}

function undoDelete(id) {
  const pending = state.deleting.get(id);
  if (!pending || pending.sending) return;
  clearTimeout(pending.timer);
  pending.dismiss();
  state.deleting.delete(id);
  render();
  focusTask(id);
  announce('Task restored.');
}

/** Ctrl/Cmd+Z outside a text field undoes the latest delete. */
function undoShortcut(ev) {
  if (!(ev.ctrlKey || ev.metaKey) || ev.key.toLowerCase() !== 'z' || ev.shiftKey) return;
  const el = ev.target;
  const typing = el instanceof HTMLTextAreaElement || el.isContentEditable ||
    (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(el.type));
  if (typing) return; // the field's own undo
  const ids = Array.from(state.deleting.keys()).filter((id) => !state.deleting.get(id).sending);
  if (ids.length === 0) return;
  ev.preventDefault();
  undoDelete(ids[ids.length - 1]);
}

/** Sends the delete of id once; later calls share the same request. */
function commitDelete(id, opts) {
  const pending = state.deleting.get(id);
  if (!pending) return Promise.resolve();
  if (!pending.sending) {
    clearTimeout(pending.timer);
    pending.dismiss();
    pending.sending = sendDelete(id, opts);
  }
  return pending.sending;
}

async function sendDelete(id, { keepalive = false } = {}) {
  const t = state.items.find((x) => x.id === id);
  try {
    await tasks.remove(id, { keepalive });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) {
      state.deleting.delete(id);
      render();
      toast(`Could not delete “${t ? t.title : 'the task'}”: ${err.message}`, { kind: 'error' });
      return;
    }
  }
  state.deleting.delete(id);
  state.items = state.items.filter((x) => x.id !== id);
  state.total -= 1;
  if (t) {
    state.counts.all -= 1;
    state.counts[t.completed ? 'completed' : 'pending'] -= 1;
  }
  render();
}

/** Sends every delete still waiting for its undo window. */
function flushDeletes(opts) {
  return Promise.all(Array.from(state.deleting.keys(), (id) => commitDelete(id, opts)));
}

function updateCounter() {
  const d = $('#new-description');
  const n = check.chars(d.value);
  const counter = $('#new-description-count');
  counter.textContent = n > 0 ? `${n} / 1000` : '';
  counter.classList.toggle('over', n > 1000);
}

// ---- start -----------------------------------------------------------------

async function main() {
  setListActions({ toggle, remove, reload: load });
  setFilter(new URLSearchParams(location.search).get('filter'));
  await startShell({ beforeSignOut: () => flushDeletes() });
  const form = $('#add-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    add(form);
  });
  $('#new-description').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  $('#new-description').addEventListener('input', updateCounter);
  for (const b of $$('.filter')) {
    b.addEventListener('click', () => {
      setFilter(b.dataset.filter);
      render();
      announce(`Showing ${state.filter === 'all' ? 'all' : state.filter} tasks.`);
    });
  }
  $('#load-more').addEventListener('click', (ev) => loadMore(ev.currentTarget));
  document.addEventListener('keydown', undoShortcut);
  window.addEventListener('pagehide', () => {
    flushDeletes({ keepalive: true });
  });
  await load();
}

main().catch((err) => {
  // API failures are shown on the page (startShell, load); anything else is a bug.
  if (!(err instanceof ApiError)) throw err;
});
