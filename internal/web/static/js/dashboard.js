// The task dashboard: list, add, edit in place, toggle, filter, delete with undo.
import { ApiError, tasks } from './api.js';
import { startShell } from './shell.js';
import { $, $$, h, icon, announce, toast, setFieldError, applyChecks, clearErrors, showError, whileBusy, relativeTime, fullTime } from './ui.js';
import * as check from './validate.js';

const FILTERS = ['all', 'pending', 'completed'];
const UNDO_MS = 6000;

const state = {
  items: [], // loaded tasks, newest first
  total: 0, // tasks on the server (all statuses)
  counts: { all: 0, pending: 0, completed: 0 }, // server-side counts
  filter: 'all',
  status: 'loading', // loading | ready | error
  error: '',
  deleting: new Map(), // id → {timer, dismiss} of a delete that can still be undone
  editing: new Set(), // ids being edited
};
const nodes = new Map(); // id → li
const inflight = new Set(); // ids with a toggle on the way

const list = $('#task-list');
const listState = $('#list-state');

function matches(t) {
  return state.filter === 'all' || (state.filter === 'completed') === t.completed;
}

function visibleCounts() {
  const c = { ...state.counts };
  for (const id of state.deleting.keys()) {
    const t = state.items.find((x) => x.id === id);
    if (!t) continue;
    c.all -= 1;
    c[t.completed ? 'completed' : 'pending'] -= 1;
  }
  return c;
}

// ---- rendering -------------------------------------------------------------

function renderCounts() {
  const c = visibleCounts();
  for (const f of FILTERS) $(`[data-count="${f}"]`).textContent = String(c[f]);
  for (const b of $$('.filter')) b.setAttribute('aria-pressed', String(b.dataset.filter === state.filter));
  let summary = '';
  if (state.status === 'ready') {
    if (c.all === 0) summary = 'Nothing on your list yet.';
    else if (c.pending === 0) summary = `All ${c.all} done. Nice work.`;
    else summary = `${c.pending} to do, ${c.completed} done.`;
  }
  $('#summary').textContent = summary;
}

function renderState(visible) {
  listState.replaceChildren();
  listState.className = 'list-state';
  list.setAttribute('aria-busy', String(state.status === 'loading'));
  if (state.status === 'loading') {
    listState.append(h('div', { class: 'state-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading your tasks…'));
    return;
  }
  if (state.status === 'error') {
    listState.classList.add('is-error');
    listState.append(
      h('div', { class: 'empty' },
        h('p', { class: 'empty-title' }, 'Could not load your tasks'),
        h('p', { class: 'muted' }, state.error),
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => load() }, 'Try again')),
    );
    return;
  }
  if (visible.length > 0) return;
  const text = {
    all: ['No tasks yet', 'Add your first task above. It will show up here.'],
    pending: ['Nothing pending', 'Everything on your list is done.'],
    completed: ['Nothing completed yet', 'Tick a task when it is done and it moves here.'],
  }[state.filter];
  listState.append(h('div', { class: 'empty' }, icon('inbox'), h('p', { class: 'empty-title' }, text[0]), h('p', { class: 'muted' }, text[1])));
}

function render() {
  const visible = state.status === 'ready' ? state.items.filter((t) => !state.deleting.has(t.id) && matches(t)) : [];
  const focusedLi = document.activeElement && document.activeElement.closest('.task');
  const oldIndex = focusedLi ? Array.from(list.children).indexOf(focusedLi) : -1;

  let cursor = list.firstElementChild;
  for (const t of visible) {
    let li = nodes.get(t.id);
    if (!li) {
      li = taskItem(t);
      nodes.set(t.id, li);
    } else if (!state.editing.has(t.id)) {
      fillItem(li, t);
    }
    if (li !== cursor) list.insertBefore(li, cursor);
    else cursor = cursor.nextElementSibling;
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
  for (const id of nodes.keys()) if (!state.items.some((t) => t.id === id)) nodes.delete(id);

  // Keep keyboard users in the list when the focused task went away.
  if (focusedLi && !focusedLi.isConnected) {
    const li = list.children[Math.min(oldIndex, list.children.length - 1)];
    (li ? $('.task-check', li) : $('#new-title')).focus();
  }
  renderCounts();
  renderState(visible);
  $('#load-more').hidden = !(state.status === 'ready' && state.items.length < state.total);
}

function taskItem(t) {
  const li = h('li', { class: 'task' });
  li.dataset.id = String(t.id);
  fillItem(li, t);
  return li;
}

/** (Re)builds the view of task t inside li. */
function fillItem(li, t) {
  const base = `task-${t.id}`;
  const active = document.activeElement;
  const refocus = active && li.contains(active) ? ['task-check', 'task-edit', 'task-delete'].find((c) => active.classList.contains(c)) : '';
  li.className = t.completed ? 'task is-done' : 'task';
  const box = h('input', {
    type: 'checkbox', class: 'task-check', id: `${base}-check`, checked: t.completed,
    'aria-labelledby': `${base}-title`,
    onchange: () => toggle(t.id, box),
    onclick: (ev) => {
      if (inflight.has(t.id)) ev.preventDefault();
    },
  });
  const title = h('p', { class: 'task-title', id: `${base}-title` }, t.title);
  title.addEventListener('dblclick', () => startEdit(t.id));
  const meta = [`Added ${relativeTime(t.created_at)}`];
  if (t.updated_at && t.updated_at !== t.created_at && Date.parse(t.updated_at) - Date.parse(t.created_at) > 60_000) {
    meta.push(`updated ${relativeTime(t.updated_at)}`);
  }
  li.replaceChildren(
    box,
    h('div', { class: 'task-main' },
      title,
      t.description ? h('p', { class: 'task-desc' }, t.description) : null,
      h('p', { class: 'task-meta', title: fullTime(t.created_at) }, meta.join(' · '))),
    h('div', { class: 'task-actions' },
      h('button', { type: 'button', class: 'icon-btn task-edit', 'aria-label': `Edit “${t.title}”`, title: 'Edit', onclick: () => startEdit(t.id) }, icon('edit')),
      h('button', { type: 'button', class: 'icon-btn danger task-delete', 'aria-label': `Delete “${t.title}”`, title: 'Delete', onclick: () => remove(t.id) }, icon('trash'))),
  );
  if (refocus) $(`.${refocus}`, li).focus();
}

// ---- loading ---------------------------------------------------------------

async function load() {
  state.status = 'loading';
  render();
  try {
    const page = await tasks.list({ limit: 200 });
    state.items = page.items || [];
    state.total = page.total ?? state.items.length;
    if (state.items.length >= state.total) {
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
      const page = await tasks.list({ limit: 200, offset: state.items.length });
      const seen = new Set(state.items.map((t) => t.id));
      state.items.push(...(page.items || []).filter((t) => !seen.has(t.id)));
      state.total = page.total ?? state.total;
    });
  } catch (err) {
    toast(`Could not load more tasks: ${err.message}`, { kind: 'error' });
  }
  render();
}

// ---- changes ---------------------------------------------------------------

function replaceTask(t) {
  const i = state.items.findIndex((x) => x.id === t.id);
  if (i >= 0) state.items[i] = t;
}

/** Shows API field errors on the matching inputs; returns true if any matched. */
function showFieldErrors(err, inputs) {
  let shown = false;
  for (const e of err.fields || []) {
    const input = inputs[e.field];
    if (input) {
      setFieldError(input, e.message);
      if (!shown) input.focus();
      shown = true;
    }
  }
  return shown;
}

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
    if (err instanceof ApiError && err.status === 429) showError(errorBox, `Too many requests. Please wait ${err.retryAfter || 'a few'} seconds.`);
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

function startEdit(id) {
  const t = state.items.find((x) => x.id === id);
  const li = nodes.get(id);
  if (!t || !li || state.editing.has(id)) return;
  state.editing.add(id);
  const base = `edit-${id}`;
  const title = h('input', { type: 'text', id: `${base}-title`, name: 'title', value: t.title, autocomplete: 'off', 'aria-describedby': `${base}-title-error` });
  const desc = h('textarea', { id: `${base}-description`, name: 'description', rows: 3, 'aria-describedby': `${base}-description-error` });
  desc.value = t.description || '';
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, 'Save');
  const stop = (focusEdit = true) => {
    state.editing.delete(id);
    const current = state.items.find((x) => x.id === id);
    if (current) fillItem(li, current);
    if (focusEdit) $('.task-edit', li)?.focus();
  };
  const form = h('form', { class: 'edit-form', novalidate: true, 'aria-label': `Edit “${t.title}”` },
    h('div', { class: 'field' },
      h('label', { for: title.id }, 'Title'), title,
      h('p', { class: 'field-error', id: `${base}-title-error`, hidden: true })),
    h('div', { class: 'field' },
      h('label', { for: desc.id }, 'Description'), desc,
      h('p', { class: 'field-error', id: `${base}-description-error`, hidden: true })),
    error,
    h('div', { class: 'edit-actions' },
      h('span', { class: 'hint keys' }, 'Enter to save, Esc to cancel'),
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: () => stop() }, 'Cancel'),
      save));
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      stop();
    } else if (ev.key === 'Enter' && ev.target === desc && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    if (!applyChecks([[title, check.title(title.value)], [desc, check.description(desc.value)]])) return;
    const current = state.items.find((x) => x.id === id) || t;
    try {
      const updated = await whileBusy(save, 'Saving…', () =>
        tasks.update(id, { title: title.value.trim(), description: desc.value.trim(), completed: current.completed }),
      );
      replaceTask(updated);
      stop();
      render();
      announce('Task saved.');
    } catch (err) {
      if (!(err instanceof ApiError && showFieldErrors(err, { title, description: desc }))) showError(error, err.message);
    }
  });
  li.className = 'task is-editing';
  li.replaceChildren(form);
  title.focus();
  title.select();
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
  const li = nodes.get(id);
  if (li && li.isConnected) $('.task-check', li).focus();
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

function setFilter(f) {
  state.filter = FILTERS.includes(f) ? f : 'all';
  const url = new URL(location.href);
  if (state.filter === 'all') url.searchParams.delete('filter');
  else url.searchParams.set('filter', state.filter);
  history.replaceState(null, '', url);
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
