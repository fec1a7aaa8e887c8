// The HTTP API as the page uses it: JSON requests, the answer stream (server-sent events over
// a POST, read from fetch's body), and the access token, kept in sessionStorage only.

const TOKEN_KEY = "gka.token";
const CLIENT_KEY = "gka.client-id";

/** This browser's random id (localStorage): without API tokens the server keeps each browser's
 * conversations, briefs and answers apart by it. It identifies, it does not authenticate. */
export function clientId() {
  let id = "";
  try {
    id = localStorage.getItem(CLIENT_KEY) || "";
  } catch {
    // storage disabled: a fresh id per page load still keeps visitors apart
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    try {
      localStorage.setItem(CLIENT_KEY, id);
    } catch {
      // see above
    }
  }
  return id;
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** FastAPI's error body as one sentence: {"detail": "..."} or a list of field problems. */
export function describeError(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((problem) => `${(problem.loc || []).filter((p) => p !== "body").join(".")}: ${problem.msg}`)
      .join("; ");
  }
  return `the server answered ${status}`;
}

export class Api {
  constructor() {
    // Called on a 401; resolves once a new token has been accepted. Set by the app.
    this.onUnauthorized = null;
    // A signed view link's token (a Slack source link, `?view=`): sent while no API token is,
    // it lets the page read one answer and the documents that answer cites.
    this.viewLink = "";
  }

  get token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  headers(extra = {}) {
    const headers = { Accept: "application/json", "X-Client-Id": clientId(), ...extra };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    else if (this.viewLink) headers["X-View-Link"] = this.viewLink;
    return headers;
  }

  /** fetch with the token; on 401 ask for a token (once) and try again. */
  async send(method, path, body, { signal, accept, headers = {} } = {}) {
    for (let attempt = 0; ; attempt += 1) {
      const init = { method, signal, headers: { ...this.headers(accept ? { Accept: accept } : {}), ...headers } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers["Content-Type"] = "application/json";
      }
      let response;
      try {
        response = await fetch(path, init);
      } catch (error) {
        if (error.name === "AbortError") throw error;
        throw new ApiError(0, "the server cannot be reached; check your connection and try again");
      }
      if (response.status === 401 && this.onUnauthorized && attempt < 3) {
        await this.onUnauthorized(await readDetail(response));
        continue;
      }
      if (!response.ok) {
        throw new ApiError(response.status, await readDetail(response));
      }
      return response;
    }
  }

  async json(method, path, body, options) {
    const response = await this.send(method, path, body, options);
    return response.json();
  }

  get(path, options) {
    return this.json("GET", path, undefined, options);
  }

  /** Answer events from /api/ask/stream: yields {event, data} as they arrive. */
  async *stream(path, body, { signal } = {}) {
    const response = await this.send("POST", path, body, { signal, accept: "text/event-stream" });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
        buffer = buffer.replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const parsed = parseEvent(block);
          if (parsed) yield parsed;
        }
        if (done) break;
      }
      const last = parseEvent(buffer);
      if (last) yield last;
    } finally {
      // a caller that stops reading early (after the final event) lets the connection go
      reader.cancel().catch(() => {});
    }
  }

  /** Whether a route exists (for features the server may not have yet). */
  async exists(path) {
    try {
      const response = await fetch(path, { headers: this.headers() });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Try a token without storing it: true when the server accepts it. */
  async accepts(token) {
    const response = await fetch("/api/health", {
      headers: { Accept: "application/json", Authorization: `Bearer ${token}` },
    });
    return response.status !== 401;
  }

  /** The original file as {url, filename, viewable} (when a token must be sent, a plain link
   * cannot). A blob URL shares this page's origin, where the server's sandbox header does not
   * follow it: only PDFs and plain text are viewable (text as text/plain, never rendered);
   * anything else (HTML, SVG, Office files) is for download only. */
  async fileUrl(path) {
    const response = await this.send("GET", path, undefined, { accept: "*/*" });
    const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
    const blob = await response.blob();
    const disposition = response.headers.get("Content-Disposition") || "";
    const named = /filename="?([^";]+)"?/i.exec(disposition);
    const filename = named ? named[1] : path.split("/").filter(Boolean).pop();
    if (type === "application/pdf") {
      return { url: URL.createObjectURL(blob), filename, viewable: true };
    }
    if (["text/plain", "text/markdown", "text/csv"].includes(type)) {
      const text = new Blob([blob], { type: "text/plain;charset=utf-8" });
      return { url: URL.createObjectURL(text), filename, viewable: true };
    }
    const download = new Blob([blob], { type: "application/octet-stream" });
    return { url: URL.createObjectURL(download), filename, viewable: false };
  }

  /** An attachment as {url, filename}: a blob URL and the name the server gives it. */
  async download(path) {
    const response = await this.send("GET", path, undefined, { accept: "*/*" });
    const disposition = response.headers.get("Content-Disposition") || "";
    const named = /filename="?([^";]+)"?/i.exec(disposition);
    const filename = named ? named[1] : path.split("/").filter(Boolean).pop();
    return { url: URL.createObjectURL(await response.blob()), filename };
  }
}

function parseEvent(block) {
  if (!block.trim()) return null;
  let event = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (!data.length) return null;
  try {
    return { event, data: JSON.parse(data.join("\n")) };
  } catch {
    return { event, data: { text: data.join("\n") } };
  }
}

async function readDetail(response) {
  try {
    return describeError(response.status, await response.json());
  } catch {
    return `the server answered ${response.status}`;
  }
}
