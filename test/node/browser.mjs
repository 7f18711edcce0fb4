// browser.mjs: a fetch that behaves like a browser for one origin: it keeps
// a cookie jar (Set-Cookie in, Cookie out, Max-Age=0 deletes) and sends an
// Origin header on non-GET requests. It remembers the last response
// (last) and a promise of its body text (lastText).
export class Browser {
  constructor(origin) {
    this.origin = origin;
    this.cookies = new Map(); // name -> {value, attrs}
    this.last = null;
    this.fetch = this.fetch.bind(this);
  }

  cookieHeader() {
    return [...this.cookies].map(([k, c]) => `${k}=${c.value}`).join("; ");
  }

  /** Records the Set-Cookie headers of a response. */
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const maxAge = attrs.find((a) => /^max-age=/i.test(a));
      if (value === "" || (maxAge && Number(maxAge.split("=")[1]) <= 0)) this.cookies.delete(name);
      else this.cookies.set(name, { value, attrs, raw: line });
    }
  }

  async fetch(input, init = {}) {
    const req = new Request(input, init);
    const headers = new Headers(req.headers);
    const ch = this.cookieHeader();
    if (ch) headers.set("cookie", ch);
    if (!["GET", "HEAD"].includes(req.method)) headers.set("origin", this.origin);
    const body = ["GET", "HEAD"].includes(req.method) ? undefined : await req.arrayBuffer();
    const res = await fetch(req.url, { method: req.method, headers, body, redirect: "manual" });
    this.store(res);
    this.last = res;
    this.lastText = res.clone().text();
    return res;
  }
}
