// Interactive documentation for the Latch task API. It reads
// /openapi.json, lists every operation with its parameters and schemas,
// and sends requests with the pasted bearer token ("Try it"). The token
// stays in this page's memory; nothing is stored.
"use strict";

(function () {
  let spec = null;
  let token = "";

  // el builds an element; children are nodes or strings (as text).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function resolve(s) {
    let guard = 0;
    while (s && s.$ref && guard++ < 20) {
      s = spec.components.schemas[s.$ref.split("/").pop()];
    }
    return s || {};
  }

  function typeName(s) {
    if (!s) return "";
    if (s.$ref) return s.$ref.split("/").pop();
    if (s.anyOf) return s.anyOf.map(typeName).join(" | ");
    let t = Array.isArray(s.type) ? s.type.join(" | ") : s.type || "any";
    if (t === "array" && s.items) t = typeName(s.items) + "[]";
    if (s.format) t += " (" + s.format + ")";
    return t;
  }

  function constraints(s) {
    const out = [];
    if (s.enum) out.push("one of " + s.enum.join(", "));
    if (s.minLength !== undefined) out.push("min length " + s.minLength);
    if (s.maxLength !== undefined) out.push("max length " + s.maxLength);
    if (s.minimum !== undefined) out.push("≥ " + s.minimum);
    if (s.maximum !== undefined) out.push("≤ " + s.maximum);
    if (s.default !== undefined) out.push("default " + JSON.stringify(s.default));
    return out.join("; ");
  }

  // schemaTable renders an object schema's properties.
  function schemaTable(ref) {
    const s = resolve(ref);
    if (!s.properties) return el("p", { class: "hint" }, typeName(ref));
    const req = new Set(s.required || []);
    return el("table", { class: "schema" },
      el("tr", {}, el("th", {}, "Field"), el("th", {}, "Type"), el("th", {}, "Rules"), el("th", {}, "Description")),
      Object.entries(s.properties).map(([name, p]) => el("tr", {},
        el("td", {}, el("code", {}, name), req.has(name) ? el("span", { class: "req", title: "required" }, " *") : null),
        el("td", {}, typeName(p)),
        el("td", {}, constraints(p)),
        el("td", {}, p.description || ""))));
  }

  // example builds an example JSON value from a schema.
  function example(ref, depth) {
    const s = resolve(ref);
    if ((depth || 0) > 4) return null;
    if (s.examples && s.examples.length) return s.examples[0];
    if (s.anyOf) return example(s.anyOf[0], depth);
    const t = Array.isArray(s.type) ? s.type[0] : s.type;
    if (t === "object" || s.properties) {
      const o = {};
      for (const [k, p] of Object.entries(s.properties || {})) o[k] = example(p, (depth || 0) + 1);
      return o;
    }
    if (t === "array") return [example(s.items, (depth || 0) + 1)];
    if (t === "integer" || t === "number") return s.minimum || 0;
    if (t === "boolean") return false;
    return s.enum ? s.enum[0] : "";
  }

  function tokenSubject(tok) {
    try {
      const part = tok.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const json = decodeURIComponent(Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
      const sub = JSON.parse(json).sub;
      return sub === undefined ? "" : String(sub);
    } catch (e) {
      return "";
    }
  }

  function operation(path, method, op) {
    const params = op.parameters || [];
    const inputs = {};
    const secured = (op.security || spec.security || []).length > 0;
    const paramRows = params.map((p) => {
      const s = p.schema || {};
      let input;
      const choices = s.enum || (s.type === "boolean" ? ["true", "false"] : null);
      if (choices) {
        input = el("select", { "data-param": p.name },
          p.required ? null : el("option", { value: "" }, "(default)"),
          choices.map((v) => el("option", { value: v }, v)));
      } else {
        input = el("input", { "data-param": p.name, placeholder: s.default !== undefined ? String(s.default) : "" });
        if (p.name === "user_id") input.classList.add("user-id");
        if (p.name === "user_id" && token) input.value = tokenSubject(token);
      }
      inputs[p.name] = { p, input };
      return el("tr", {},
        el("td", {}, el("code", {}, p.name), p.required ? el("span", { class: "req" }, " *") : null, el("div", { class: "hint" }, p.in)),
        el("td", {}, typeName(s), el("div", { class: "hint" }, constraints(s))),
        el("td", {}, p.description || ""),
        el("td", {}, input));
    });

    const bodySchema = op.requestBody && op.requestBody.content["application/json"].schema;
    const bodyInput = bodySchema ? el("textarea", { spellcheck: "false" }) : null;
    if (bodyInput) bodyInput.value = JSON.stringify(example(bodySchema), null, 2);

    const result = el("div", { class: "result" });
    const send = async () => {
      let url = path;
      const query = new URLSearchParams();
      for (const { p, input } of Object.values(inputs)) {
        const v = input.value;
        if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(v));
        else if (v !== "") query.set(p.name, v);
      }
      const qs = query.toString();
      if (qs) url += "?" + qs;
      const headers = {};
      if (token) headers.Authorization = "Bearer " + token;
      const init = { method: method.toUpperCase(), headers };
      if (bodyInput) {
        headers["Content-Type"] = "application/json";
        init.body = bodyInput.value;
      }
      const curl = ["curl -i -X " + init.method, token ? "-H 'Authorization: Bearer $TOKEN'" : null,
        bodyInput ? "-H 'Content-Type: application/json' -d '" + bodyInput.value.replace(/\s*\n\s*/g, " ").replace(/'/g, "'\\''") + "'" : null,
        "'" + location.origin + url + "'"].filter(Boolean).join(" ");
      result.replaceChildren(el("p", { class: "hint" }, "Sending…"));
      try {
        const started = performance.now();
        const res = await fetch(url, init);
        const ms = Math.round(performance.now() - started);
        const text = await res.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
        const hdrs = [];
        for (const h of ["content-type", "location", "link", "x-total-count", "allow", "retry-after", "www-authenticate", "x-request-id"]) {
          if (res.headers.get(h)) hdrs.push(h + ": " + res.headers.get(h));
        }
        result.replaceChildren(
          el("h3", {}, "Request"), el("pre", {}, curl),
          el("h3", {}, "Response ", el("span", { class: "status " + (res.ok ? "ok" : "err") }, res.status + " " + res.statusText), el("span", { class: "hint" }, " · " + ms + " ms")),
          hdrs.length ? el("pre", {}, hdrs.join("\n")) : null,
          shown ? el("pre", {}, shown.length > 20000 ? shown.slice(0, 20000) + "\n…" : shown) : el("p", { class: "hint" }, "(no body)"));
      } catch (e) {
        result.replaceChildren(el("p", { class: "err" }, "Request failed: " + e.message));
      }
    };

    const responses = Object.entries(op.responses || {}).map(([code, r]) => {
      const c = r.content && (r.content["application/json"] || Object.values(r.content)[0]);
      return el("tr", {}, el("td", {}, el("code", {}, code)), el("td", {}, r.description || ""), el("td", {}, c ? typeName(c.schema) : ""));
    });

    return el("details", { class: "op", id: op.operationId },
      el("summary", {},
        el("span", { class: "method m-" + method }, method.toUpperCase()),
        el("span", { class: "path" }, path),
        el("span", {}, op.summary || ""),
        secured ? el("span", { class: "lock", title: "bearer token required" }, "token required") : null),
      el("div", { class: "op-body" },
        op.description ? el("p", {}, op.description) : null,
        params.length ? [el("h3", {}, "Parameters"),
          el("table", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Type"), el("th", {}, "Description"), el("th", {}, "Value")), paramRows)] : null,
        bodySchema ? [el("h3", {}, "Request body (application/json): " + typeName(bodySchema)), schemaTable(bodySchema), bodyInput] : null,
        el("h3", {}, "Responses"),
        el("table", {}, el("tr", {}, el("th", {}, "Status"), el("th", {}, "Meaning"), el("th", {}, "Body")), responses),
        el("p", {}, el("button", { type: "button", onclick: send }, "Try it")),
        result));
  }

  function render() {
    document.getElementById("title").textContent = spec.info.title;
    document.title = spec.info.title;
    document.getElementById("description").textContent = spec.info.description || "";
    document.getElementById("oas").textContent = spec.openapi;
    document.getElementById("version").textContent = spec.info.version;
    const byTag = new Map();
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of ["get", "post", "put", "patch", "delete"]) {
        const op = item[method];
        if (!op) continue;
        const tag = (op.tags && op.tags[0]) || "other";
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push(operation(path, method, op));
      }
    }
    const ops = document.getElementById("ops");
    ops.replaceChildren(...Array.from(byTag, ([tag, nodes]) => el("section", {}, el("h2", { class: "tag" }, tag), nodes)));
    document.getElementById("schemas").replaceChildren(...Object.keys(spec.components.schemas).sort().map((name) =>
      el("div", {}, el("h3", { id: "schema-" + name }, name),
        el("p", { class: "hint" }, spec.components.schemas[name].description || ""),
        schemaTable({ $ref: "#/components/schemas/" + name }))));
  }

  function setToken(t) {
    token = t.trim().replace(/^bearer\s+/i, "");
    const sub = token ? tokenSubject(token) : "";
    document.getElementById("subject").textContent = token ? (sub ? "subject: " + sub : "token set (subject unreadable)") : "no token";
    for (const input of document.querySelectorAll("input.user-id")) input.value = sub;
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("auth").addEventListener("submit", (e) => {
      e.preventDefault();
      setToken(document.getElementById("token").value);
    });
    document.getElementById("forget").addEventListener("click", () => {
      document.getElementById("token").value = "";
      setToken("");
    });
    fetch("/openapi.json")
      .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then((doc) => { spec = doc; render(); setToken(""); })
      .catch((e) => {
        document.getElementById("ops").replaceChildren(el("p", { class: "err" }, "Could not load /openapi.json: " + e.message));
      });
  });
})();
