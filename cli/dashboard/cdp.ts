/**
 * A small Chrome DevTools Protocol client: launches a headless Chromium (Debian's
 * `chromium`), opens pages, evaluates expressions, collects console errors and takes
 * screenshots, over the browser's own WebSocket on 127.0.0.1. It serves the browser tests
 * and nothing else loads it.
 *
 * The protocol is JSON messages `{ id, method, params, sessionId }` answered by
 * `{ id, result | error }`, with events `{ method, params, sessionId }`; pages are targets
 * attached in "flatten" mode, so one socket carries every page's session.
 *
 * @example
 * ```ts ignore
 * const browser = await Browser.launch();
 * const page = await browser.newPage();
 * await page.goto("http://127.0.0.1:8080/");
 * console.log(await page.evaluate("document.title"), page.errors);
 * await browser.close();
 * ```
 * @module
 */

/** Where Chromium is looked for, in order (override with `CHROMIUM` in the environment). */
export const CHROMIUM_CANDIDATES: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

/** The Chromium executable, or `null` when none is installed. */
export function findChromium(): string | null {
  const fromEnv = Deno.env.get("CHROMIUM");
  for (const path of fromEnv ? [fromEnv, ...CHROMIUM_CANDIDATES] : CHROMIUM_CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* not there */ }
  }
  return null;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string };
type Listener = (params: Record<string, unknown>, sessionId?: string) => void;

/** One WebSocket to the browser, shared by every page session. */
class Connection {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, Pending>();
  #listeners = new Map<string, Set<Listener>>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (ev) => this.#receive(JSON.parse(String(ev.data)));
    ws.onclose = () => {
      for (const p of this.#pending.values()) {
        p.reject(new Error(`cdp: socket closed (${p.method})`));
      }
      this.#pending.clear();
    };
  }

  static open(url: string): Promise<Connection> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new Connection(ws));
      ws.onerror = (e) =>
        reject(new Error(`cdp: cannot connect to ${url}: ${(e as ErrorEvent).message}`));
    });
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<unknown> {
    const id = this.#next++;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    this.#pending.set(id, { resolve, reject, method });
    this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return promise;
  }

  on(method: string, listener: Listener): () => void {
    let set = this.#listeners.get(method);
    if (!set) this.#listeners.set(method, set = new Set());
    set.add(listener);
    return () => set.delete(listener);
  }

  #receive(msg: {
    id?: number;
    result?: unknown;
    error?: { message: string; data?: string };
    method?: string;
    params?: Record<string, unknown>;
    sessionId?: string;
  }): void {
    if (msg.id !== undefined) {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error) {
        p.reject(
          new Error(
            `cdp ${p.method}: ${msg.error.message}${msg.error.data ? ` (${msg.error.data})` : ""}`,
          ),
        );
      } else p.resolve(msg.result);
    } else if (msg.method) {
      for (const l of this.#listeners.get(msg.method) ?? []) l(msg.params ?? {}, msg.sessionId);
    }
  }

  close(): void {
    this.#ws.close();
  }
}

/** A headless Chromium. */
export class Browser {
  #process: Deno.ChildProcess;
  #conn: Connection;
  #profile: string;

  private constructor(process: Deno.ChildProcess, conn: Connection, profile: string) {
    this.#process = process;
    this.#conn = conn;
    this.#profile = profile;
  }

  /**
   * Starts Chromium headless with a fresh profile and remote debugging on 127.0.0.1.
   * @throws Error when Chromium is missing or does not start within `timeoutMs`.
   */
  static async launch(
    options: { executable?: string; timeoutMs?: number; width?: number; height?: number } = {},
  ): Promise<Browser> {
    const executable = options.executable ?? findChromium();
    if (!executable) {
      throw new Error(
        "chromium not found (apt-get install -y chromium, or set CHROMIUM to the executable)",
      );
    }
    const profile = await Deno.makeTempDir({ prefix: "ascent-chromium-" });
    const process = new Deno.Command(executable, {
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--mute-audio",
        `--window-size=${options.width ?? 1400},${options.height ?? 1000}`,
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        `--user-data-dir=${profile}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const deadline = Date.now() + (options.timeoutMs ?? 20_000);
    let url: string | undefined;
    try {
      while (url === undefined) {
        let id: ReturnType<typeof setTimeout> | undefined;
        const timer = new Promise<null>((r) => {
          id = setTimeout(() => r(null), Math.max(0, deadline - Date.now()));
        });
        const chunk = await Promise.race([reader.read(), timer]);
        clearTimeout(id);
        if (chunk === null) throw new Error("timed out waiting for the DevTools address");
        if (chunk.done) throw new Error("chromium exited");
        text += chunk.value;
        url = text.match(/DevTools listening on (ws:\/\/\S+)/)?.[1];
      }
    } catch (error) {
      try {
        process.kill("SIGKILL");
      } catch { /* gone */ }
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      throw new Error(`chromium did not start: ${(error as Error).message}\n${text.slice(-2000)}`);
    }
    // Keep draining stderr so that the browser never blocks on a full pipe.
    (async () => {
      try {
        while (!(await reader.read()).done) { /* discard */ }
      } catch { /* closed */ }
    })();
    const conn = await Connection.open(url);
    return new Browser(process, conn, profile);
  }

  /** Opens a new page (tab) and enables the domains the helpers use. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.#conn.send("Target.createTarget", { url: "about:blank" }) as {
      targetId: string;
    };
    const { sessionId } = await this.#conn.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    }) as { sessionId: string };
    const page = new Page(this.#conn, sessionId, targetId);
    await page.init();
    return page;
  }

  /** Closes the browser and removes its profile. */
  async close(): Promise<void> {
    try {
      let id: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#conn.send("Browser.close"),
        new Promise((r) => id = setTimeout(r, 2000)),
      ]);
      clearTimeout(id);
    } catch { /* already closing */ }
    this.#conn.close();
    try {
      this.#process.kill("SIGKILL");
    } catch { /* exited */ }
    await this.#process.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {});
  }
}

/** One page and its console. */
export class Page {
  #conn: Connection;
  #session: string;
  /** The target's id. */
  readonly targetId: string;
  /** Console errors, uncaught exceptions and failed loads, as text, in order. */
  readonly errors: string[] = [];
  /** Every console message, as `type: text`. */
  readonly console: string[] = [];

  /** Use {@link Browser.newPage}. */
  constructor(conn: Connection, session: string, targetId: string) {
    this.#conn = conn;
    this.#session = session;
    this.targetId = targetId;
  }

  /** Sends a protocol command to this page. */
  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    return this.#conn.send(method, params, this.#session);
  }

  /** @internal Enables Page, Runtime and Log, and starts collecting errors. */
  async init(): Promise<void> {
    const mine = (f: Listener): Listener => (p, s) => {
      if (s === this.#session) f(p, s);
    };
    this.#conn.on(
      "Runtime.consoleAPICalled",
      mine((p) => {
        const args = (p.args as { value?: unknown; description?: string }[] ?? [])
          .map((a) => a.value ?? a.description ?? "").join(" ");
        this.console.push(`${p.type}: ${args}`);
        if (p.type === "error") this.errors.push(`console.error: ${args}`);
      }),
    );
    this.#conn.on(
      "Runtime.exceptionThrown",
      mine((p) => {
        const d = p.exceptionDetails as { text?: string; exception?: { description?: string } };
        this.errors.push(`exception: ${d.exception?.description ?? d.text}`);
      }),
    );
    this.#conn.on(
      "Log.entryAdded",
      mine((p) => {
        const e = p.entry as { level: string; text: string; url?: string };
        if (e.level === "error") this.errors.push(`log: ${e.text}${e.url ? ` (${e.url})` : ""}`);
      }),
    );
    await this.send("Page.enable");
    await this.send("Runtime.enable");
    await this.send("Log.enable");
  }

  /** Navigates and waits for the load event (at most `timeoutMs`). */
  async goto(url: string, timeoutMs = 20_000): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const off = this.#conn.on("Page.loadEventFired", (_p, s) => {
      if (s === this.#session) resolve();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const nav = await this.send("Page.navigate", { url }) as { errorText?: string };
      if (nav.errorText) throw new Error(`cannot open ${url}: ${nav.errorText}`);
      await Promise.race([
        promise,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${url}: no load event in ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      off();
    }
  }

  /** Evaluates `expression` in the page (awaiting a Promise) and returns its JSON value. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    }) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) {
      throw new Error(
        `evaluate(${expression.slice(0, 80)}): ${
          r.exceptionDetails.exception?.description ?? r.exceptionDetails.text
        }`,
      );
    }
    return r.result.value as T;
  }

  /** Polls `expression` until it is truthy; returns its value. */
  async waitFor<T = unknown>(expression: string, timeoutMs = 20_000, everyMs = 50): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.evaluate<T>(expression);
      if (v) return v;
      if (Date.now() > deadline) {
        throw new Error(`waitFor(${expression.slice(0, 120)}): still false after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Sets the viewport size (CSS pixels). */
  async setViewport(width: number, height: number): Promise<void> {
    await this.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
  }

  /** A PNG screenshot of the viewport (or of the whole page with `fullPage`). */
  async screenshot(options: { fullPage?: boolean } = {}): Promise<Uint8Array> {
    const r = await this.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: options.fullPage ?? false,
    }) as { data: string };
    return Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0));
  }
}
