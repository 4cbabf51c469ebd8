/**
 * A small HTTP/1.1 server on `Deno.listen` with the limits a public endpoint needs, used by
 * `cli/serve.ts`. `Deno.serve` (Deno 2.9) offers no header, body or idle timeout, no
 * connection cap and no shutdown deadline, so a client that never finishes its headers
 * (slowloris), never sends its declared body, or just keeps a connection open holds a file
 * descriptor for ever, and one such client blocks a graceful shutdown for ever.
 *
 * Every connection moves through the states below; each wait has a deadline, measured from
 * the start of the state (not per read, so a client dripping one byte at a time gains
 * nothing):
 *
 * | state    | waits for                            | limit                | on expiry           |
 * | -------- | ------------------------------------ | -------------------- | ------------------- |
 * | idle     | the first byte of a request          | `idleTimeoutMs`      | closed silently     |
 * | head     | the end of the headers (`\r\n\r\n`)  | `headerTimeoutMs`    | 408, closed         |
 * | body     | the `Content-Length` bytes declared  | `bodyTimeoutMs`      | 408, closed         |
 * | handling | the handler                          | none (the handler's) |                     |
 * | writing  | the peer to take the response        | `bodyTimeoutMs`      | closed              |
 *
 * Beyond `maxConnections` open connections a new one gets `503` with `connection: close`
 * at once. Headers above `maxHeaderBytes` get 431, bodies above `maxBodyBytes` 413 (before
 * they are read), a body that ends before its `Content-Length` 400, and a request without
 * `Content-Length` but with `Transfer-Encoding` 411 (bodies must declare their length).
 * Responses carry `Content-Length`; connections are kept alive (HTTP/1.1) unless the
 * client asks otherwise.
 *
 * `shutdown()` stops accepting, closes idle connections and those still sending headers at
 * once, lets requests already read finish (their responses say `connection: close`), and
 * force-closes whatever is left after `shutdownTimeoutMs`: `finished` always resolves
 * within that deadline.
 * @module
 */

/** Limits of {@link serveHttp1}; every field has a default. */
export interface Http1Limits {
  /** First byte of a request to the end of its headers, in ms (default 10 000). */
  headerTimeoutMs?: number;
  /** Reading a declared body, and writing a response, in ms (default 10 000). */
  bodyTimeoutMs?: number;
  /** A connection with no request in progress is closed after this many ms (default 5 000). */
  idleTimeoutMs?: number;
  /** Open connections beyond which new ones get 503 (default 1 024). */
  maxConnections?: number;
  /** Largest request head (request line and headers) in bytes (default 16 KiB). */
  maxHeaderBytes?: number;
  /** Largest request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** `shutdown()` force-closes connections still open after this many ms (default 5 000). */
  shutdownTimeoutMs?: number;
}

/** A request as the handler sees it: the body is read completely beforehand. */
export interface Http1Request {
  /** `GET`, `POST`, … */
  method: string;
  /** The path of the request target, without the query. */
  path: string;
  /** Header values by lower-case name. */
  headers: Map<string, string>;
  /** The body (empty without one). */
  body: Uint8Array;
}

/** A handler's answer. */
export interface Http1Response {
  /** Status code. */
  status: number;
  /** Body text (UTF-8) or bytes. */
  body: string | Uint8Array;
  /** Extra headers (lower-case names; `content-length` and `connection` are set here). */
  headers?: Record<string, string>;
}

/** Request handler: exceptions become 500 responses. */
export type Http1Handler = (req: Http1Request) => Http1Response | Promise<Http1Response>;

/** Counters of a {@link Http1Server}. */
export interface Http1Stats {
  /** Connections open now. */
  openConnections: number;
  /** Connections accepted since the start. */
  acceptedConnections: number;
  /** Connections refused with 503 because `maxConnections` were open. */
  rejectedConnections: number;
  /** Connections closed because a header, body, idle or write deadline expired. */
  timedOutConnections: number;
}

/** A server started by {@link serveHttp1}. */
export interface Http1Server {
  /** The address bound. */
  addr: Deno.NetAddr;
  /** Stops the server (see the module doc); resolves with `finished`. */
  shutdown(): Promise<void>;
  /** Resolves when the listener and every connection are closed. */
  finished: Promise<void>;
  /** Connection counters. */
  stats(): Http1Stats;
}

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  411: "Length Required",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** Serializes one response (head and body) into one buffer. */
function encodeResponse(res: Http1Response, close: boolean, head: boolean): Uint8Array {
  const body = typeof res.body === "string" ? encoder.encode(res.body) : res.body;
  let text = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? "Status"}\r\n`;
  for (const [k, v] of Object.entries(res.headers ?? {})) text += `${k}: ${v}\r\n`;
  text += `content-length: ${body.length}\r\nconnection: ${close ? "close" : "keep-alive"}\r\n\r\n`;
  const headBytes = encoder.encode(text);
  if (head) return headBytes;
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}

function errorResponse(status: number, message: string): Http1Response {
  return {
    status,
    body: JSON.stringify({ error: message }),
    headers: { "content-type": "application/json; charset=utf-8" },
  };
}

/** Index of `\r\n\r\n` in `b` at or after `from`, or -1. */
function findHeadEnd(b: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 3 < b.length; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
  }
  return -1;
}

class Timeout extends Error {}
class Closed extends Error {}

type State = "idle" | "head" | "body" | "handling" | "writing";

/** One accepted connection and its read buffer. */
class Connection {
  state: State = "idle";
  #pending = new Uint8Array(0);
  #chunk = new Uint8Array(16 * 1024);
  #closed = false;
  constructor(readonly conn: Deno.TcpConn) {}

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  /** Buffered bytes not yet consumed. */
  get pending(): Uint8Array {
    return this.#pending;
  }

  consume(n: number): Uint8Array {
    const taken = this.#pending.subarray(0, n);
    this.#pending = this.#pending.subarray(n);
    return taken;
  }

  /**
   * Reads more bytes into the buffer before `deadline` (a `performance.now()` time).
   * Returns false at end of stream; throws `Timeout` after the deadline.
   */
  async fill(deadline: number): Promise<boolean> {
    if (this.#closed) throw new Closed();
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw new Timeout();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = this.conn.read(this.#chunk);
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), remaining);
    });
    let n: number | null | "timeout";
    try {
      n = await Promise.race([read, timeout]);
    } catch {
      if (this.#closed) throw new Closed();
      return false; // reset by the peer: as end of stream
    } finally {
      clearTimeout(timer);
    }
    if (n === "timeout") {
      read.catch(() => {}); // rejected when the connection is closed
      throw new Timeout();
    }
    if (n === null) return false;
    const next = new Uint8Array(this.#pending.length + n);
    next.set(this.#pending);
    next.set(this.#chunk.subarray(0, n), this.#pending.length);
    this.#pending = next;
    return true;
  }

  /** Writes all of `bytes` before `deadline`; throws `Timeout` or `Closed`. */
  async writeAll(bytes: Uint8Array, deadline: number): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      if (this.#closed) throw new Closed();
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new Timeout();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const write = this.conn.write(bytes.subarray(at));
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), remaining);
      });
      let n: number | "timeout";
      try {
        n = await Promise.race([write, timeout]);
      } catch {
        throw new Closed();
      } finally {
        clearTimeout(timer);
      }
      if (n === "timeout") {
        write.catch(() => {});
        throw new Timeout();
      }
      at += n;
    }
  }
}

/**
 * Listens on `hostname:port` and answers requests with `handler` under `limits` (see the
 * module doc).
 */
export function serveHttp1(
  options: { hostname: string; port: number },
  limits: Http1Limits,
  handler: Http1Handler,
): Http1Server {
  const headerTimeoutMs = limits.headerTimeoutMs ?? 10_000;
  const bodyTimeoutMs = limits.bodyTimeoutMs ?? 10_000;
  const idleTimeoutMs = limits.idleTimeoutMs ?? 5_000;
  const maxConnections = limits.maxConnections ?? 1024;
  const maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
  const maxBodyBytes = limits.maxBodyBytes ?? 1 << 20;
  const shutdownTimeoutMs = limits.shutdownTimeoutMs ?? 5_000;

  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const open = new Set<Connection>();
  const stats: Http1Stats = {
    openConnections: 0,
    acceptedConnections: 0,
    rejectedConnections: 0,
    timedOutConnections: 0,
  };
  let draining = false;
  let allClosed: (() => void) | null = null;
  const closedOne = (c: Connection) => {
    c.close();
    if (open.delete(c) && draining && open.size === 0) allClosed?.();
  };

  const respond = async (c: Connection, res: Http1Response, close: boolean, head = false) => {
    c.state = "writing";
    try {
      await c.writeAll(encodeResponse(res, close, head), performance.now() + bodyTimeoutMs);
    } catch (e) {
      if (e instanceof Timeout) stats.timedOutConnections++;
      return false;
    }
    return true;
  };

  /** Serves requests on one connection until it closes. */
  const serveConnection = async (c: Connection): Promise<void> => {
    try {
      c.conn.setNoDelay(true);
    } catch { /* not TCP */ }
    let scanned = 0;
    for (;;) {
      // ---- idle: wait for the first byte of the next request
      c.state = "idle";
      if (draining) return;
      if (c.pending.length === 0) {
        try {
          if (!(await c.fill(performance.now() + idleTimeoutMs))) return;
        } catch (e) {
          if (e instanceof Timeout) stats.timedOutConnections++;
          return;
        }
      }
      // ---- head
      c.state = "head";
      const headDeadline = performance.now() + headerTimeoutMs;
      let end = findHeadEnd(c.pending, 0);
      scanned = 0;
      while (end < 0) {
        if (c.pending.length > maxHeaderBytes) {
          await respond(
            c,
            errorResponse(431, `request head exceeds ${maxHeaderBytes} bytes`),
            true,
          );
          return;
        }
        scanned = Math.max(0, c.pending.length - 3);
        try {
          if (!(await c.fill(headDeadline))) return; // closed mid-head: nothing to answer
        } catch (e) {
          if (e instanceof Timeout) {
            stats.timedOutConnections++;
            await respond(
              c,
              errorResponse(408, `request headers not complete within ${headerTimeoutMs} ms`),
              true,
            );
          }
          return;
        }
        end = findHeadEnd(c.pending, scanned);
      }
      if (end > maxHeaderBytes) {
        await respond(c, errorResponse(431, `request head exceeds ${maxHeaderBytes} bytes`), true);
        return;
      }
      const lines = latin1.decode(c.consume(end + 4)).split("\r\n");
      const requestLine = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/.exec(lines[0]);
      if (requestLine === null) {
        await respond(
          c,
          errorResponse(400, `malformed request line ${JSON.stringify(lines[0])}`),
          true,
        );
        return;
      }
      const [, method, target, minor] = requestLine;
      const headers = new Map<string, string>();
      let badHeader: string | null = null;
      for (let i = 1; i < lines.length && lines[i] !== ""; i++) {
        const colon = lines[i].indexOf(":");
        if (colon <= 0) {
          badHeader = lines[i];
          break;
        }
        const name = lines[i].slice(0, colon).trim().toLowerCase();
        const value = lines[i].slice(colon + 1).trim();
        const prev = headers.get(name);
        headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
      }
      if (badHeader !== null) {
        await respond(
          c,
          errorResponse(400, `malformed header line ${JSON.stringify(badHeader)}`),
          true,
        );
        return;
      }
      const connectionHeader = (headers.get("connection") ?? "").toLowerCase();
      let close = minor === "0"
        ? !connectionHeader.includes("keep-alive")
        : connectionHeader.includes("close");
      // ---- body
      c.state = "body";
      const lengthHeader = headers.get("content-length");
      let length = 0;
      if (lengthHeader === undefined) {
        if (headers.has("transfer-encoding")) {
          await respond(
            c,
            errorResponse(411, "request bodies must declare Content-Length (no chunked bodies)"),
            true,
          );
          return;
        }
      } else {
        if (!/^\d{1,15}$/.test(lengthHeader)) {
          await respond(
            c,
            errorResponse(400, `bad Content-Length ${JSON.stringify(lengthHeader)}`),
            true,
          );
          return;
        }
        length = Number(lengthHeader);
        if (length > maxBodyBytes) {
          await respond(c, errorResponse(413, `request body exceeds ${maxBodyBytes} bytes`), true);
          return;
        }
      }
      const bodyDeadline = performance.now() + bodyTimeoutMs;
      while (c.pending.length < length) {
        let more: boolean;
        try {
          more = await c.fill(bodyDeadline);
        } catch (e) {
          if (e instanceof Timeout) {
            stats.timedOutConnections++;
            await respond(
              c,
              errorResponse(
                408,
                `request body not complete within ${bodyTimeoutMs} ms ` +
                  `(${c.pending.length} of ${length} bytes)`,
              ),
              true,
            );
          }
          return;
        }
        if (!more) {
          await respond(
            c,
            errorResponse(
              400,
              `request body ended after ${c.pending.length} of the ${length} bytes declared ` +
                `by Content-Length`,
            ),
            true,
          );
          return;
        }
      }
      const body = c.consume(length).slice();
      // ---- handling
      c.state = "handling";
      const q = target.indexOf("?");
      const path = q < 0 ? target : target.slice(0, q);
      let res: Http1Response;
      try {
        res = await handler({ method, path, headers, body });
      } catch (e) {
        res = errorResponse(500, (e as Error)?.message ?? String(e));
      }
      close ||= draining;
      if (!(await respond(c, res, close, method === "HEAD")) || close) return;
    }
  };

  const track = (conn: Deno.TcpConn) => {
    const c = new Connection(conn);
    open.add(c);
    stats.acceptedConnections++;
    void serveConnection(c).finally(() => closedOne(c));
  };

  const refuse = (conn: Deno.TcpConn) => {
    stats.rejectedConnections++;
    const c = new Connection(conn);
    const res = errorResponse(503, `server busy: ${maxConnections} connections open`);
    res.headers!["retry-after"] = "1";
    void c.writeAll(encodeResponse(res, true, false), performance.now() + 1000)
      .catch(() => {}).finally(() => c.close());
  };

  const accepting = (async () => {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (draining || e instanceof Deno.errors.BadResource) return;
        // Out of file descriptors or a transient error: wait and keep serving.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (draining) {
        conn.close();
        continue;
      }
      if (open.size >= maxConnections) refuse(conn);
      else track(conn);
    }
  })();

  let resolveFinished!: () => void;
  const finished = new Promise<void>((r) => (resolveFinished = r));
  let shuttingDown: Promise<void> | null = null;

  const shutdown = (): Promise<void> => {
    if (shuttingDown) return shuttingDown;
    draining = true;
    shuttingDown = (async () => {
      try {
        listener.close();
      } catch { /* closed */ }
      await accepting;
      for (const c of [...open]) {
        if (c.state === "idle" || c.state === "head") closedOne(c);
      }
      if (open.size > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          new Promise<void>((r) => (allClosed = r)),
          new Promise<void>((r) => (timer = setTimeout(r, shutdownTimeoutMs))),
        ]);
        clearTimeout(timer);
        for (const c of [...open]) closedOne(c);
      }
      resolveFinished();
    })();
    return shuttingDown;
  };

  return {
    addr: listener.addr as Deno.NetAddr,
    shutdown,
    finished,
    stats: () => ({ ...stats, openConnections: open.size }),
  };
}
