// The dashboard's task list: rendering the tasks, counts and list states,
// and editing a task in place. Toggling, deleting and reloading are the
// page's work (dashboard.js); it names them with setListActions.
import { ApiError, tasks } from './api.js';
import { $, $$, h, icon, announce, setFieldError, applyChecks, clearErrors, showError, whileBusy, relativeTime, fullTime } from './ui.js';
import * as check from './validate.js';
import { FILTERS, state, inflight, matches, visibleCounts, replaceTask } from './dashboard-state.js';

const nodes = new Map(); // id → li

const list = $('#task-list');
const listState = $('#list-state');

/** The page's handlers: toggle(id, box), remove(id) and reload(); set by setListActions. */
let actions = null;

/** Names the handlers for a task's checkbox and delete button and for "Try again". */
export function setListActions(a) {
  actions = a;
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
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => actions.reload() }, 'Try again')),
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

/** Brings the list, the counts and the list state in line with state. */
export function render() {
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
  $('#load-more').hidden = !(state.status === 'ready' && state.next);
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
    onchange: () => actions.toggle(t.id, box),
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
      h('button', { type: 'button', class: 'icon-btn danger task-delete', 'aria-label': `Delete “${t.title}”`, title: 'Delete', onclick: () => actions.remove(t.id) }, icon('trash'))),
  );
  if (refocus) $(`.${refocus}`, li).focus();
}

// ---- editing ---------------------------------------------------------------

/** Shows API field errors on the matching inputs; returns true if any matched. */
export function showFieldErrors(err, inputs) {
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

/** Moves the focus to the checkbox of task id, if it is on the page. */
export function focusTask(id) {
  const li = nodes.get(id);
  if (li && li.isConnected) $('.task-check', li).focus();
}
