// The one client for Latch's HTTP API used by every page.
//
// Auth calls (/api/auth/*) ride on the HttpOnly session cookie. Task calls
// (/api/{userId}/tasks...) carry a JWT from /api/auth/token in the
// Authorization header. The JWT lives only in this module's memory: never in
// web storage or a cookie. On a 401 from the task API the
// client fetches a fresh JWT once and retries; if that fails the user is sent
// to /login?next=<current page> and comes back after signing in.

/** An error answer from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, message, { code = '', fields = [], retryAfter = 0 } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields; // [{field, message}] from the task API
    this.retryAfter = retryAfter; // seconds, for 429
  }
}

let jwt = null; // in memory only
let jwtAt = 0; // when jwt was fetched (ms)
let sessionPromise = null;

// A JWT older than this is fetched anew before the next task call, so that a
// session ended elsewhere is noticed within minutes even when the server does
// not check sessions on the task API (LATCH_CHECK_SESSION=false).
const JWT_MAX_AGE_MS = 5 * 60 * 1000;

const JSON_HEADERS = { Accept: 'application/json' };

async function readBody(res) {
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  if (!type.includes('json')) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}

function retryAfterSeconds(res) {
  const raw = res.headers.get('x-retry-after') || res.headers.get('retry-after');
  if (!raw) return 0;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(1, Math.ceil(n));
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - Date.now()) / 1000)) : 0;
}

function fallbackMessage(status) {
  if (status === 429) return 'Too many requests. Please try again later.';
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  if (status === 404) return 'Not found.';
  if (status === 403) return 'You are not allowed to do that.';
  return 'The request failed. Please try again.';
}

function errorFrom(res, body) {
  const retryAfter = res.status === 429 ? retryAfterSeconds(res) : 0;
  let message = (body && (body.message || body.detail)) || fallbackMessage(res.status);
  if (typeof message !== 'string') message = fallbackMessage(res.status);
  const fields = body && Array.isArray(body.errors) ? body.errors : [];
  return new ApiError(res.status, message, { code: (body && body.code) || '', fields, retryAfter });
}

async function send(url, { method = 'GET', body, headers = {}, keepalive = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { ...JSON_HEADERS, ...headers }, keepalive };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(url, init);
  } catch {
    throw new ApiError(0, 'Cannot reach Latch. Check your connection and try again.', { code: 'NETWORK_ERROR' });
  }
}

async function authCall(path, options) {
  const res = await send('/api/auth' + path, options);
  const body = await readBody(res);
  if (!res.ok) throw errorFrom(res, body);
  return { res, body };
}

/** A promise that never settles: used while the browser leaves the page. */
function leaving() {
  return new Promise(() => {});
}

/** Where the login page should send the user back to. */
function here() {
  return location.pathname + location.search + location.hash;
}

/** Sends the browser to the sign-in page, remembering where the user was. */
export function redirectToLogin(reason = 'expired') {
  forgetSession();
  const q = new URLSearchParams({ next: here() });
  if (reason) q.set('reason', reason);
  location.assign('/login?' + q.toString());
  return leaving();
}

/**
 * The current session, {user, session}, or null when signed out. The answer
 * is shared by every caller on the page until reset with {fresh: true}.
 */
export function getSession({ fresh = false } = {}) {
  if (!sessionPromise || fresh) {
    sessionPromise = authCall('/get-session')
      .then(({ res, body }) => {
        const header = res.headers.get('set-auth-jwt');
        if (header) setToken(header);
        return body && body.user ? body : null;
      })
      .catch((err) => {
        sessionPromise = null;
        throw err;
      });
  }
  return sessionPromise;
}

/** Resolves to the session, or sends the browser to /login when there is none. */
export async function requireSession() {
  const s = await getSession();
  return s || redirectToLogin('');
}

function setToken(token) {
  jwt = token;
  jwtAt = Date.now();
}

/** Drops the JWT and the session answer: the session changed or ended. */
function forgetSession() {
  jwt = null;
  sessionPromise = null;
}

let tokenPromise = null;

/**
 * Fetches a fresh JWT from /api/auth/token. Resolves to false when the
 * session is gone. Calls made while one is on the way share it.
 */
function refreshToken() {
  if (!tokenPromise) {
    jwt = null;
    tokenPromise = (async () => {
      const res = await send('/api/auth/token');
      if (res.status === 401) return false;
      const body = await readBody(res);
      if (!res.ok) throw errorFrom(res, body);
      if (!body || typeof body.token !== 'string') return false;
      setToken(body.token);
      return true;
    })().finally(() => {
      tokenPromise = null;
    });
  }
  return tokenPromise;
}

/**
 * The next-page URL of a task list answer: the target of its RFC 8288
 * `Link: <…>; rel="next"` header, or '' on the last page.
 */
export function nextLink(header) {
  for (const m of (header || '').matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";,]*)"?/i.exec(m[2]);
    if (rel && rel[1].toLowerCase().split(/\s+/).includes('next')) return m[1];
  }
  return '';
}

/** A task API call; resolves to {res, body}. `path` follows the tasks base. */
async function taskRequest(path, options = {}) {
  const session = await requireSession();
  const base = `/api/${encodeURIComponent(session.user.id)}/tasks`;
  // A next link is a whole path; it must stay on this user's task list.
  let url = base + path;
  if (options.url !== undefined) {
    const u = new URL(options.url, location.origin);
    if (u.origin !== location.origin || (u.pathname !== base && u.pathname !== base + '/')) {
      throw new ApiError(0, 'The server sent an unexpected next-page link.', { code: 'BAD_LINK' });
    }
    url = u.pathname + u.search;
  }
  if ((!jwt || Date.now() - jwtAt > JWT_MAX_AGE_MS) && !(await refreshToken())) return redirectToLogin();
  let refreshed = false;
  let rechecked = false;
  for (;;) {
    const res = await send(url, { ...options, headers: { Authorization: `Bearer ${jwt}` } });
    if (res.status === 401 && !refreshed) {
      // The JWT expired or its session ended: one fresh JWT, one retry.
      refreshed = true;
      if (await refreshToken()) continue;
      return redirectToLogin();
    }
    if (res.status === 401) return redirectToLogin();
    if (res.status === 403 && !rechecked) {
      rechecked = true;
      // The JWT names another user than this page: someone may have signed
      // in as another user in another tab. Start over with that session.
      const now = await getSession({ fresh: true });
      if (!now) return redirectToLogin();
      if (now.user.id !== session.user.id) {
        location.reload();
        return leaving();
      }
      if (await refreshToken()) continue;
      return redirectToLogin();
    }
    const body = await readBody(res);
    if (!res.ok) throw errorFrom(res, body);
    return { res, body };
  }
}

async function taskCall(path, options) {
  return (await taskRequest(path, options)).body;
}

/** One page of a list answer: the tasks (an array), its next link and X-Total-Count. */
function listPage({ res, body }) {
  const total = res.headers.get('x-total-count');
  return {
    items: Array.isArray(body) ? body : [],
    next: nextLink(res.headers.get('link')),
    total: total === null ? null : Number(total),
  };
}

/** Task API calls for the signed-in user. */
export const tasks = {
  /** GET /api/{uid}/tasks → {items, next, total}; total only with {total: true}. */
  async list({ status = 'all', limit = 200, total = false } = {}) {
    const q = new URLSearchParams({ status, limit: String(limit), sort: 'created', order: 'desc' });
    if (total) q.set('total', 'true');
    return listPage(await taskRequest('?' + q.toString()));
  },
  /** GET the page after one: `next` is that page's next link. */
  async more(next) {
    return listPage(await taskRequest('', { url: next }));
  },
  /** GET the number of tasks with a status (X-Total-Count of a one-item page). */
  async count(status) {
    return (await tasks.list({ status, limit: 1, total: true })).total;
  },
  create({ title, description }) {
    return taskCall('', { method: 'POST', body: { title, description } });
  },
  update(id, { title, description, completed }) {
    return taskCall(`/${encodeURIComponent(id)}`, { method: 'PUT', body: { title, description, completed } });
  },
  remove(id, { keepalive = false } = {}) {
    return taskCall(`/${encodeURIComponent(id)}`, { method: 'DELETE', keepalive });
  },
  toggle(id) {
    return taskCall(`/${encodeURIComponent(id)}/complete`, { method: 'PATCH' });
  },
};

/** Better Auth calls under /api/auth. */
export const auth = {
  async signIn({ email, password, rememberMe = true }) {
    const { body } = await authCall('/sign-in/email', { method: 'POST', body: { email, password, rememberMe } });
    forgetSession();
    return body;
  },
  async signUp({ name, email, password }) {
    const { body } = await authCall('/sign-up/email', { method: 'POST', body: { name, email, password } });
    forgetSession();
    return body;
  },
  async signOut() {
    try {
      await authCall('/sign-out', { method: 'POST', body: {} });
    } finally {
      forgetSession();
    }
  },
  /** A call that needs the session: a 401 sends the browser to /login. */
  async withSession(path, options) {
    try {
      return (await authCall(path, options)).body;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return redirectToLogin();
      throw err;
    }
  },
  updateUser({ name }) {
    return this.withSession('/update-user', { method: 'POST', body: { name } });
  },
  async changePassword({ currentPassword, newPassword, revokeOtherSessions }) {
    const body = await this.withSession('/change-password', {
      method: 'POST',
      body: { currentPassword, newPassword, revokeOtherSessions },
    });
    if (revokeOtherSessions) {
      // A new session replaced every old one: its JWT must be fetched anew.
      forgetSession();
    }
    return body;
  },
  listSessions() {
    return this.withSession('/list-sessions');
  },
  revokeOtherSessions() {
    return this.withSession('/revoke-other-sessions', { method: 'POST', body: {} });
  },
  revokeSession(token) {
    return this.withSession('/revoke-session', { method: 'POST', body: { token } });
  },
  /** Mails a reset link that lands on /reset-password?token=. */
  async requestPasswordReset(email) {
    return (await authCall('/request-password-reset', { method: 'POST', body: { email, redirectTo: '/reset-password' } })).body;
  },
  async resetPassword({ token, newPassword }) {
    return (await authCall('/reset-password', { method: 'POST', body: { token, newPassword } })).body;
  },
  async sendVerificationEmail(email) {
    return (await authCall('/send-verification-email', { method: 'POST', body: { email, callbackURL: '/?verified=1' } })).body;
  },
  changeEmail(newEmail) {
    return this.withSession('/change-email', { method: 'POST', body: { newEmail, callbackURL: '/account?email-changed=1' } });
  },
  async deleteUser(password) {
    const body = await this.withSession('/delete-user', { method: 'POST', body: { password, callbackURL: '/login?reason=deleted' } });
    if (body && body.message === 'User deleted') forgetSession();
    return body;
  },
};
