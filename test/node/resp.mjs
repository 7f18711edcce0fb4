// resp.mjs: a minimal Redis client (RESP2 over node:net, one command at a
// time) and Better Auth's secondaryStorage on top of it, written as
// @better-auth/redis-storage behaves (SET EX, GETDEL, INCR + EXPIRE on 1),
// so the tests need no extra npm package.
import net from "node:net";

export function redisClient(url) {
  const u = new URL(url);
  const sock = net.connect(Number(u.port || 6379), u.hostname);
  let buf = Buffer.alloc(0);
  const waiting = [];
  sock.on("data", (d) => { buf = Buffer.concat([buf, d]); drain(); });
  function parse(i) {
    const nl = buf.indexOf("\r\n", i);
    if (nl < 0) return null;
    const t = String.fromCharCode(buf[i]), line = buf.toString("utf8", i + 1, nl);
    if (t === "+") return [line, nl + 2];
    if (t === "-") return [new Error(line), nl + 2];
    if (t === ":") return [Number(line), nl + 2];
    if (t === "$") {
      const n = Number(line);
      if (n < 0) return [null, nl + 2];
      if (buf.length < nl + 2 + n + 2) return null;
      return [buf.toString("utf8", nl + 2, nl + 2 + n), nl + 2 + n + 2];
    }
    if (t === "*") {
      const n = Number(line), out = [];
      let j = nl + 2;
      for (let k = 0; k < n; k++) { const r = parse(j); if (!r) return null; out.push(r[0]); j = r[1]; }
      return [out, j];
    }
    throw new Error("bad RESP type " + t);
  }
  function drain() {
    while (waiting.length) {
      const r = parse(0);
      if (!r) return;
      buf = buf.subarray(r[1]);
      const w = waiting.shift();
      r[0] instanceof Error ? w.reject(r[0]) : w.resolve(r[0]);
    }
  }
  const db = u.pathname.replace("/", "");
  const cmd = (...args) => new Promise((resolve, reject) => {
    waiting.push({ resolve, reject });
    sock.write(`*${args.length}\r\n` + args.map((a) => { const s = String(a); return `$${Buffer.byteLength(s)}\r\n${s}\r\n`; }).join(""));
  });
  if (db) cmd("SELECT", db);
  return { cmd, close: () => sock.end() };
}

/** secondaryStorage over a redisClient, every key prefixed. */
export function secondaryStorage(client, prefix = "") {
  const k = (key) => prefix + key;
  return {
    get: (key) => client.cmd("GET", k(key)),
    set: async (key, value, ttl) => {
      if (ttl) await client.cmd("SET", k(key), value, "EX", ttl);
      else await client.cmd("SET", k(key), value);
    },
    delete: async (key) => { await client.cmd("DEL", k(key)); },
    getAndDelete: (key) => client.cmd("GETDEL", k(key)),
    increment: async (key, ttl) => {
      const n = await client.cmd("INCR", k(key));
      if (n === 1) await client.cmd("EXPIRE", k(key), ttl);
      return n;
    },
  };
}
