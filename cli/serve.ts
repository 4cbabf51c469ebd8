/**
 * `deno task serve FILE.onnx --port P [--host 127.0.0.1]`: serves an exported policy over
 * HTTP through ONNX Runtime.
 *
 * Routes:
 *
 * - `POST /v1/act` with `{"observations": [[…], …]}` (B rows of D finite numbers) →
 *   `{"actions": […]}` (integers for discrete policies, arrays for box, multi-discrete and
 *   multi-binary policies), plus
 *   `"probs"` (discrete) and `"values"` when the model has those outputs. Bodies are
 *   validated by Zod: an invalid body gets 400 with `{"error", "issues": [{"path",
 *   "message"}]}`, where `path` is the field path (`observations.3.1`); a body above
 *   `maxBodyBytes` (default 1 MiB) gets 413, a body shorter than its `Content-Length` 400.
 *   Observations must be finite numbers that fit float32 (`1e39` would become +Infinity in
 *   the model's input and is refused with 400).
 * - `GET /v1/model`: inputs, outputs, metadata, contract and the execution provider.
 * - `GET /healthz`: `{"status": "ok"}`.
 *
 * Micro-batching: requests that arrive while an ONNX Runtime call is running wait in a
 * queue; when the call ends, every queued request (up to `maxBatchRows` rows) is
 * concatenated into one call and the outputs are split back by row ranges. At low load a
 * request runs alone at once (no added delay); under load, calls grow to the queue length.
 *
 * Connections (`cli/http1.ts`, not `Deno.serve`, which has no timeouts): a client gets
 * `headerTimeoutMs` (10 s) to send its headers, `bodyTimeoutMs` (10 s) to send its body, and
 * an open connection with no request is closed after `idleTimeoutMs` (5 s); beyond
 * `maxConnections` (1 024) open connections a new one gets 503 at once. Slow clients
 * therefore cost one file descriptor each for at most those times and never delay other
 * clients' requests.
 *
 * SIGINT and SIGTERM stop accepting connections, let in-flight requests finish (at most
 * `shutdownTimeoutMs`, 5 s, then the remaining connections are closed), release the
 * session and exit. Permissions: `--allow-read` (the model), `--allow-ffi` (ONNX Runtime),
 * `--allow-net=127.0.0.1` (or the `--host` given).
 * @module
 */
import { z } from "../deps.ts";
import { intFlag, parseCommandLine, runMain, UsageError } from "./args.ts";
import { parseProviders } from "./infer.ts";
import { OnnxPolicy, type RawOutputs } from "../policies/onnx/runtime.ts";
import { fitsFloat32 } from "../policies/onnx/validate.ts";
import { type Http1Limits, type Http1Request, type Http1Response, serveHttp1 } from "./http1.ts";

const USAGE = `usage: deno task serve FILE.onnx [--port P] [--host H] [--ep cpu,cuda] [--strict]
                        [--max-body-bytes N] [--max-batch-rows N] [--max-connections N]
                        [--header-timeout MS] [--body-timeout MS] [--idle-timeout MS]
                        [--shutdown-timeout MS]

Serves POST /v1/act, GET /v1/model and GET /healthz on H:P (default 127.0.0.1:8000).

  --port P             TCP port (default 8000; 0 picks a free one)
  --host H             interface to listen on (default 127.0.0.1)
  --ep LIST            ONNX Runtime execution providers in order of preference (default cpu)
  --strict             fail instead of falling back when a provider cannot load
  --max-body-bytes N   largest request body accepted; larger ones get 413
  --max-batch-rows N   most observations in one request; more get 400
  --max-connections N  open connections beyond which new ones get 503 (default 1024)
  --header-timeout MS  time a client has to send its request headers (default 10000)
  --body-timeout MS    time a client has to send its body / take the response (default 10000)
  --idle-timeout MS    an open connection with no request is closed after this (default 5000)
  --shutdown-timeout MS  SIGINT/SIGTERM wait at most this for in-flight requests (default 5000)
  -h, --help           this text

Permissions: the task grants --allow-read --allow-ffi --allow-net=127.0.0.1. To listen on
another interface, run the command with that host allowed, for example:
  deno run --lock=deno.lock --allow-read --allow-ffi --allow-net=0.0.0.0 --no-prompt \\
    cli/serve.ts FILE.onnx --host 0.0.0.0`;

/** Fails with a usage error naming the `deno run` line when `host` may not be listened on. */
async function checkNetPermission(host: string, port: number): Promise<void> {
  const status = await Deno.permissions.query({ name: "net", host: `${host}:${port}` });
  if (status.state === "granted") return;
  throw new UsageError(
    "--host",
    `this process may not listen on ${host} (deno task serve allows 127.0.0.1 only); run\n` +
      `  deno run --lock=deno.lock --allow-read --allow-ffi --allow-net=${host} --no-prompt ` +
      `cli/serve.ts FILE.onnx --host ${host}`,
  );
}

/** Options of {@link startServer}; the connection limits are those of `Http1Limits`. */
export interface ServeOptions extends Omit<Http1Limits, "maxBodyBytes"> {
  /** TCP port (0 picks a free one; default 8000). */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Largest accepted request body in bytes (default 1 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Most observation rows in one ONNX Runtime call (default 4096). */
  maxBatchRows?: number;
  /** Called once the server listens. */
  onListen?: (address: { host: string; port: number }) => void;
}

/** Counters of a running server. */
export interface ServerStats {
  /** Accepted `/v1/act` requests. */
  requests: number;
  /** ONNX Runtime calls made. */
  runs: number;
  /** Observation rows evaluated. */
  rows: number;
  /** Largest number of requests merged into one call. */
  maxRequestsPerRun: number;
  /** Connections open now. */
  openConnections: number;
  /** Connections accepted since the start. */
  acceptedConnections: number;
  /** Connections refused with 503 because `maxConnections` were open. */
  rejectedConnections: number;
  /** Connections closed because a header, body, idle or write deadline expired. */
  timedOutConnections: number;
}

/** A server started by {@link startServer}. */
export interface RunningServer {
  /** The port actually bound. */
  port: number;
  /** The host bound. */
  host: string;
  /**
   * Stops accepting connections and waits for in-flight requests, at most
   * `shutdownTimeoutMs`.
   */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Request and batching counters. */
  stats(): ServerStats;
}

interface Pending {
  data: Float32Array;
  batch: number;
  resolve: (out: Record<string, unknown>) => void;
  reject: (e: unknown) => void;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Http1Response {
  return {
    status,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  };
}

/** Splits the rows [offset, offset + batch) of every output into JSON-ready arrays. */
function sliceOutputs(raw: RawOutputs, offset: number, batch: number): Record<string, unknown> {
  const rowsOf = (name: string): number[][] | undefined => {
    const t = raw[name];
    if (t === undefined) return undefined;
    const width = t.dims.slice(1).reduce((a, b) => a * b, 1);
    const out: number[][] = [];
    for (let i = offset; i < offset + batch; i++) {
      const row = t.data.subarray(i * width, (i + 1) * width) as ArrayLike<number | bigint>;
      out.push(Array.from(row, (v) => Number(v)));
    }
    return out;
  };
  const body: Record<string, unknown> = {};
  const action = raw.action;
  if (action.data instanceof BigInt64Array && action.dims.length === 1) {
    body.actions = Array.from(action.data.subarray(offset, offset + batch), (v) => Number(v));
  } else {
    body.actions = rowsOf("action");
  }
  if (raw.probs) body.probs = rowsOf("probs");
  if (raw.value) body.values = rowsOf("value")!.map((r) => r[0]);
  return body;
}

/**
 * Serves `policy` over HTTP (see the module doc). The policy stays owned by the caller.
 */
export function startServer(policy: OnnxPolicy, options: ServeOptions = {}): RunningServer {
  const host = options.host ?? "127.0.0.1";
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const maxBatchRows = options.maxBatchRows ?? 4096;
  const obsDim = policy.observationDim;
  const stats = { requests: 0, runs: 0, rows: 0, maxRequestsPerRun: 0 };

  const ActRequest = z.object({
    observations: z.array(
      z.array(
        z.number({ error: "must be a finite number" }).refine(
          fitsFloat32,
          "must fit float32 (|x| ≤ 3.4028234663852886e38; larger values become Infinity)",
        ),
        {
          error: `must be an array of ${obsDim} numbers`,
        },
      ).length(obsDim, `must have exactly ${obsDim} elements (the observation size)`),
      { error: "must be an array of observations (arrays of numbers)" },
    ).min(1, "must hold at least one observation").max(
      maxBatchRows,
      `at most ${maxBatchRows} observations per request`,
    ),
  }).strict();

  const queue: Pending[] = [];
  let running = false;

  const pump = async (): Promise<void> => {
    if (running || queue.length === 0) return;
    running = true;
    try {
      while (queue.length > 0) {
        const group: Pending[] = [];
        let rows = 0;
        while (queue.length > 0 && (group.length === 0 || rows + queue[0].batch <= maxBatchRows)) {
          const p = queue.shift()!;
          group.push(p);
          rows += p.batch;
        }
        const data = group.length === 1 ? group[0].data : new Float32Array(rows * obsDim);
        if (group.length > 1) {
          let at = 0;
          for (const p of group) {
            data.set(p.data, at);
            at += p.data.length;
          }
        }
        stats.runs++;
        stats.rows += rows;
        stats.maxRequestsPerRun = Math.max(stats.maxRequestsPerRun, group.length);
        try {
          const raw = await policy.actRaw(data, rows);
          let offset = 0;
          for (const p of group) {
            p.resolve(sliceOutputs(raw, offset, p.batch));
            offset += p.batch;
          }
        } catch (e) {
          for (const p of group) p.reject(e);
        }
      }
    } finally {
      running = false;
    }
  };

  const act = async (req: Http1Request): Promise<Http1Response> => {
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder().decode(req.body));
    } catch (e) {
      return json(400, {
        error: "request body is not JSON",
        issues: [{ path: "", message: (e as Error).message }],
      });
    }
    const parsed = ActRequest.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
      }));
      return json(400, {
        error: `invalid request body: ${
          issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")
        }`,
        issues,
      });
    }
    const rows = parsed.data.observations;
    const data = new Float32Array(rows.length * obsDim);
    rows.forEach((r, i) => data.set(r, i * obsDim));
    stats.requests++;
    const out = await new Promise<Record<string, unknown>>((resolve, reject) => {
      queue.push({ data, batch: rows.length, resolve, reject });
      queueMicrotask(() => void pump());
    });
    return json(200, out);
  };

  const modelInfo = () => {
    const info = policy.info();
    return {
      inputs: info.inputs,
      outputs: info.outputs,
      metadata: info.metadata,
      contract: info.contract,
      observationSpace: info.observationSpace,
      actionSpace: info.actionSpace,
      executionProvider: info.executionProvider,
      unavailableProviders: info.unavailableProviders,
      irVersion: info.irVersion,
      opsetImports: info.opsetImports,
      onnxRuntimeVersion: info.onnxRuntimeVersion,
    };
  };

  const handler = async (req: Http1Request): Promise<Http1Response> => {
    const pathname = req.path;
    const routes: Record<string, string> = {
      "/v1/act": "POST",
      "/v1/model": "GET",
      "/healthz": "GET",
    };
    const method = routes[pathname];
    if (method === undefined) return json(404, { error: `no route ${pathname}` });
    if (req.method !== method && !(method === "GET" && req.method === "HEAD")) {
      return json(405, { error: `${pathname} accepts ${method}, got ${req.method}` }, {
        allow: method,
      });
    }
    try {
      if (pathname === "/healthz") return json(200, { status: "ok" });
      if (pathname === "/v1/model") return json(200, modelInfo());
      return await act(req);
    } catch (e) {
      return json(500, { error: (e as Error).message ?? String(e) });
    }
  };

  const server = serveHttp1(
    { port: options.port ?? 8000, hostname: host },
    { ...options, maxBodyBytes },
    handler,
  );
  const addr = server.addr;
  options.onListen?.({ host: addr.hostname, port: addr.port });
  return {
    port: addr.port,
    host,
    shutdown: () => server.shutdown(),
    finished: server.finished,
    stats: () => ({ ...stats, ...server.stats() }),
  };
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandLine(
    args,
    {
      port: { type: "string" },
      host: { type: "string" },
      ep: { type: "string" },
      strict: { type: "boolean" },
      "max-body-bytes": { type: "string" },
      "max-batch-rows": { type: "string" },
      "max-connections": { type: "string" },
      "header-timeout": { type: "string" },
      "body-timeout": { type: "string" },
      "idle-timeout": { type: "string" },
      "shutdown-timeout": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    "serve",
    true,
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) {
    throw new UsageError("serve", `expected one FILE.onnx, got ${positionals.length}\n${USAGE}`);
  }
  const port = intFlag(values.port, "--port", { min: 0, max: 65535 }) ?? 8000;
  const host = values.host ?? "127.0.0.1";
  await checkNetPermission(host, port);
  const policy = await OnnxPolicy.load(positionals[0], {
    executionProviders: parseProviders(values.ep),
    strict: values.strict ?? false,
    onWarning: (m) => console.error(`warning: ${m}`),
  });
  const server = startServer(policy, {
    port,
    host,
    maxBodyBytes: intFlag(values["max-body-bytes"], "--max-body-bytes", { min: 1 }),
    maxBatchRows: intFlag(values["max-batch-rows"], "--max-batch-rows", { min: 1 }),
    maxConnections: intFlag(values["max-connections"], "--max-connections", { min: 1 }),
    headerTimeoutMs: intFlag(values["header-timeout"], "--header-timeout", { min: 1 }),
    bodyTimeoutMs: intFlag(values["body-timeout"], "--body-timeout", { min: 1 }),
    idleTimeoutMs: intFlag(values["idle-timeout"], "--idle-timeout", { min: 1 }),
    shutdownTimeoutMs: intFlag(values["shutdown-timeout"], "--shutdown-timeout", { min: 0 }),
  });
  console.log(
    `serving ${positionals[0]} (${policy.info().executionProvider}) on ` +
      `http://${server.host}:${server.port}`,
  );
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    void server.shutdown();
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  await server.finished;
  Deno.removeSignalListener("SIGINT", onInt);
  Deno.removeSignalListener("SIGTERM", onTerm);
  await policy.close();
  console.log(JSON.stringify({ stopped: true, ...server.stats() }));
}

if (import.meta.main) await runMain(() => main(Deno.args));
