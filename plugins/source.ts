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

/**
 * Reads a plugin module's text (file read or HTTP GET by the host).
 * @throws PluginError naming the source when the module cannot be read.
 */
export async function readPluginSource(url: URL): Promise<PluginSource> {
  const source = url.href;
  try {
    if (url.protocol === "file:") {
      const code = await Deno.readTextFile(url);
      return { url: source, code, mediaType: mediaTypeOf(url, null) };
    }
    if (isRemote(url)) {
      const response = await fetch(url);
      const code = await response.text();
      if (!response.ok) {
        throw new Error(`HTTP ${response.status} ${response.statusText}`);
      }
      return {
        url: source,
        code,
        mediaType: mediaTypeOf(url, response.headers.get("content-type")),
      };
    }
  } catch (error) {
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

/** The `data:` URL a sandboxed Worker imports the module from. */
export function dataUrlOf(source: PluginSource): string {
  const bytes = new TextEncoder().encode(source.code);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:${source.mediaType};base64,${btoa(binary)}`;
}
