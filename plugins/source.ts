/**
 * Where a plugin comes from: a plugin spec (relative or absolute path, `file://` URL,
 * `http(s)://` URL) resolves to one absolute URL, and the module's source text can be read
 * by the trusted host so that a sandboxed Worker can import it from a `data:` URL without
 * any permission of its own.
 *
 * Relative paths resolve against the current working directory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePluginUrl } from "./source.ts";
 * assert.equal(resolvePluginUrl("/tmp/acme.ts").href, "file:///tmp/acme.ts");
 * assert.equal(resolvePluginUrl("https://x.org/p.js").protocol, "https:");
 * ```
 * @module
 */
import { PluginError } from "./errors.ts";

/** A plugin spec: a path (relative or absolute) or a `file:`/`http:`/`https:` URL. */
export type PluginSpec = string | URL;

/** A plugin module's text, ready to be imported from a `data:` URL. */
export interface PluginSource {
  /** The resolved URL of the module (the plugin's source in error messages). */
  url: string;
  /** The module's text. */
  code: string;
  /** `application/typescript` or `text/javascript`. */
  mediaType: string;
}

function toFileUrl(path: string): URL {
  const base = new URL(`file://${Deno.cwd().replace(/\/?$/, "/")}`);
  return new URL(path.split("/").map(encodeURIComponent).join("/"), base);
}

/** Resolves a spec to an absolute URL (relative paths against the working directory). */
export function resolvePluginUrl(spec: PluginSpec): URL {
  if (spec instanceof URL) return new URL(spec.href);
  const text = String(spec).trim();
  if (text === "") {
    throw new PluginError({
      source: "(empty)",
      method: "load",
      path: "spec",
      problem: "a plugin spec must be a path or a file:, http: or https: URL",
      value: spec,
    });
  }
  if (/^(file|https?):/i.test(text)) return new URL(text);
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[a-z]:[\\/]/i.test(text)) {
    throw new PluginError({
      source: text,
      method: "load",
      path: "spec",
      problem: "unsupported URL scheme (use a path or a file:, http: or https: URL)",
      value: text,
    });
  }
  return text.startsWith("/") ? new URL(`file://${encodeURI(text)}`) : toFileUrl(text);
}

/** True for `http:` and `https:` URLs (sandboxed by default). */
export function isRemote(url: URL): boolean {
  return url.protocol === "http:" || url.protocol === "https:";
}

function mediaTypeOf(url: URL, contentType: string | null): string {
  const ct = (contentType ?? "").toLowerCase();
  if (/typescript|\/x-ts|\/tsx/.test(ct)) return "application/typescript";
  if (/javascript|ecmascript/.test(ct)) return "text/javascript";
  return /\.(m|c)?tsx?$/i.test(url.pathname) ? "application/typescript" : "text/javascript";
}

/** Largest plugin module the sandbox accepts by default (bytes of source text). */
export const MAX_PLUGIN_BYTES = 4 * 1024 * 1024;

/** Default limit on fetching a plugin URL, in milliseconds. */
export const FETCH_TIMEOUT_MS = 30_000;

/** Options of {@link readPluginSource}. */
export interface ReadSourceOptions {
  /** Refuse modules larger than this many bytes (default {@link MAX_PLUGIN_BYTES}). */
  maxBytes?: number;
  /** Give up on an `http(s)` URL after this many ms (default {@link FETCH_TIMEOUT_MS}). */
  fetchTimeoutMs?: number;
}

class SourceProblem extends Error {
  constructor(readonly path: string, message: string, readonly value?: unknown) {
    super(message);
  }
}

async function readLimited(body: ReadableStream<Uint8Array> | null, maxBytes: number) {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body === null) return "";
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new SourceProblem(
        "size",
        `the plugin module is larger than the limit of ${maxBytes} bytes (option maxBytes; ` +
          `sandboxed plugins are held in memory and sent to their process whole)`,
        size,
      );
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * Reads a plugin module's text (file read or HTTP GET by the host), at most `maxBytes`
 * bytes, giving up on a URL after `fetchTimeoutMs` (headers and body together).
 * @throws PluginError naming the source when the module cannot be read, is too large, or
 *   its host does not answer in time.
 */
export async function readPluginSource(
  url: URL,
  options: ReadSourceOptions = {},
): Promise<PluginSource> {
  const source = url.href;
  const maxBytes = options.maxBytes ?? MAX_PLUGIN_BYTES;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? FETCH_TIMEOUT_MS;
  try {
    if (url.protocol === "file:") {
      const size = (await Deno.stat(url)).size;
      if (size > maxBytes) {
        throw new SourceProblem(
          "size",
          `the plugin module is ${size} bytes, larger than the limit of ${maxBytes} bytes ` +
            `(option maxBytes)`,
          size,
        );
      }
      const code = await Deno.readTextFile(url);
      return { url: source, code, mediaType: mediaTypeOf(url, null) };
    }
    if (isRemote(url)) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), fetchTimeoutMs);
      try {
        const response = await fetch(url, { signal: controller.signal });
        const code = await readLimited(response.body, maxBytes);
        if (!response.ok) {
          throw new Error(`HTTP ${response.status} ${response.statusText}`);
        }
        return {
          url: source,
          code,
          mediaType: mediaTypeOf(url, response.headers.get("content-type")),
        };
      } catch (error) {
        if (controller.signal.aborted) {
          throw new SourceProblem(
            "fetch",
            `no complete answer from ${url.host} within ${fetchTimeoutMs} ms ` +
              `(option fetchTimeoutMs, flag --plugin-fetch-timeout)`,
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (error) {
    if (error instanceof SourceProblem) {
      throw new PluginError({
        source,
        method: "load",
        path: error.path,
        problem: error.message,
        value: error.value,
      });
    }
    throw new PluginError({
      source,
      method: "load",
      path: "source",
      problem: `cannot read the plugin module: ${error instanceof Error ? error.message : error}`,
      cause: error,
    });
  }
  throw new PluginError({
    source,
    method: "load",
    path: "spec",
    problem: "unsupported URL scheme",
    value: url.protocol,
  });
}

/** One module import found in a plugin's text. */
export interface ModuleImport {
  /** The imported specifier, e.g. `./helper.ts` or `npm:lodash@4`. */
  specifier: string;
  /** 1-based line of the import. */
  line: number;
}

/**
 * The value imports of a module's text — static `import … from "x"`, `import "x"`,
 * `export … from "x"` and literal `import("x")` — leaving out `import type`/`export type`,
 * which TypeScript erases. Comments are skipped; a string that merely looks like an import
 * is read as one (the check errs on the side of refusing).
 */
export function moduleImports(code: string): ModuleImport[] {
  const found: ModuleImport[] = [];
  const text = code.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, (c, p: string) => p + " ".repeat(c.length - p.length));
  const patterns = [
    /\bimport\s+(?!type\b)[^'"();]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bexport\s+(?!type\b)[^'"();]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"`])([^'"`]+)\1/g,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      const line = text.slice(0, m.index).split("\n").length;
      found.push({ specifier: m[2], line });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/**
 * A sandboxed plugin runs from a `data:` URL in a Worker with no permissions, so it must be
 * one self-contained module: it can import nothing (type-only imports are fine).
 * @throws PluginError naming the first import and asking for a bundle.
 */
export function assertSelfContained(source: PluginSource): void {
  const imports = moduleImports(source.code);
  if (imports.length === 0) return;
  const first = imports[0];
  const more = imports.length > 1 ? ` (and ${imports.length - 1} more)` : "";
  throw new PluginError({
    source: source.url,
    method: "load",
    path: `import (line ${first.line})`,
    problem: `a sandboxed plugin must be one self-contained module, but it imports ` +
      `"${first.specifier}"${more}: bundle it into one file first (for example with ` +
      `deno bundle or esbuild), use only type imports of the toolkit (import type … + ` +
      `satisfies), or load a trusted plugin without the sandbox`,
    value: first.specifier,
  });
}

/** The `data:` URL a sandboxed Worker imports the module from. */
export function dataUrlOf(source: PluginSource): string {
  const bytes = new TextEncoder().encode(source.code);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${source.mediaType};base64,${btoa(binary)}`;
}
