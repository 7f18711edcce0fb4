// State shared by the dashboard modules: the loaded tasks, the server-side
// counts, the filter (kept in the URL), deletes waiting for their undo window,
// edits and toggles in progress, and the helpers that read or update it.

export const FILTERS = ['all', 'pending', 'completed'];

export const state = {
  items: [], // loaded tasks, newest first
  total: 0, // tasks on the server (all statuses) when the list was loaded
  next: '', // next-page link of the list (Link rel="next"), '' when all are loaded
  counts: { all: 0, pending: 0, completed: 0 }, // server-side counts
  filter: 'all',
  status: 'loading', // loading | ready | error
  error: '',
  deleting: new Map(), // id → {timer, dismiss} of a delete that can still be undone
  editing: new Set(), // ids being edited
};
export const inflight = new Set(); // ids with a toggle on the way

export function matches(t) {
  return state.filter === 'all' || (state.filter === 'completed') === t.completed;
}

export function visibleCounts() {
  const c = { ...state.counts };
  for (const id of state.deleting.keys()) {
    const t = state.items.find((x) => x.id === id);
    if (!t) continue;
    c.all -= 1;
    c[t.completed ? 'completed' : 'pending'] -= 1;
  }
  return c;
}

export function replaceTask(t) {
  const i = state.items.findIndex((x) => x.id === t.id);
  if (i >= 0) state.items[i] = t;
}

export function setFilter(f) {
  state.filter = FILTERS.includes(f) ? f : 'all';
  const url = new URL(location.href);
  if (state.filter === 'all') url.searchParams.delete('filter');
  else url.searchParams.set('filter', state.filter);
  history.replaceState(null, '', url);
}
