/**
 * Checks the layering of the repository (the table in CONTRIBUTING.md).
 *
 * Every `.ts` file is lexed (comments, strings, template literals and regular expressions
 * are told apart, so text in a doc comment or a string is never taken for an import) and
 * its imports are collected: static `import … from "x"`, `import "x"`, `export … from "x"`
 * and `import("x")` with a literal specifier. Each import is then checked against three
 * rules:
 *
 * - `layer`: the folder of the importing file may import the folder of the target
 *   (see {@link ALLOWED});
 * - `extension`: a relative import names a `.ts` file;
 * - `specifier`: library code (everything but `bench/`, `tests/`, `tools/` and
 *   `examples/`) uses only `node:` built-ins and full `npm:name@x.y.z` specifiers, never a
 *   bare name, so the toolkit imports by URL from a folder with no `deno.json`.
 *
 * Run `deno run --allow-read tools/check_layers.ts [root]`: it prints one line per broken
 * rule (`file:line: rule: message`) and exits with status 1 if there is any.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findImports } from "./check_layers.ts";
 *
 * const found = findImports('// import "./no.ts"\nimport { a } from "./a.ts";\n');
 * assert.deepEqual(found, [{ specifier: "./a.ts", line: 2, dynamic: false }]);
 * ```
 * @module
 */
import { sourceFiles } from "./walk.ts";

/** One import found in a source file. */
export interface FoundImport {
  /** The specifier as written. */
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  /** `true` for `import("…")`. */
  dynamic: boolean;
}

/** One broken rule. */
export interface Violation {
  /** The importing file, relative to the root, with `/` separators. */
  file: string;
  /** 1-based line of the import. */
  line: number;
  /** Which rule: `layer`, `extension` or `specifier`. */
  rule: "layer" | "extension" | "specifier";
  /** What is wrong, naming the specifier. */
  message: string;
}

/**
 * Which areas each area may import (besides itself). An area is a top-level folder
 * (`envs`) or a top-level file (`random.ts`); a target may also be a single file
 * (`envs/spaces.ts`). `"*"` allows every area of the repository.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "random.ts": [],
  "version.ts": [],
  "deps.ts": [],
  "envs": ["deps.ts", "random.ts"],
  "nn": ["deps.ts", "random.ts"],
  // Spaces are the data contract between an environment and a policy: plain JSON data
  // with Zod validation, importing nothing of ours but deps.ts.
  "policies": ["nn", "envs/spaces.ts", "deps.ts", "random.ts", "version.ts"],
  "plugins": ["envs", "deps.ts", "random.ts"],
  "algorithms": ["envs", "policies", "nn", "deps.ts", "random.ts", "version.ts"],
  "mod.ts": ["envs", "nn", "policies", "plugins", "algorithms", "random.ts", "version.ts"],
  "onnx.ts": ["policies"],
  "cli": ["*"],
  "bench": ["*"],
  "tests": ["*"],
  "examples": ["*"],
  "tools": ["*"],
};

/** Areas whose code is not part of the library (free to use bare specifiers). */
const NON_LIBRARY = new Set(["bench", "tests", "tools", "examples"]);

/** Full npm specifier with an exact version: `npm:name@1.2.3` or `npm:@scope/name@1.2.3/sub`. */
const NPM_PINNED = /^npm:(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*@\d+\.\d+\.\d+[\w.+-]*(\/.*)?$/;

const KEYWORDS_BEFORE_REGEX = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

type Token =
  | { kind: "word"; value: string; line: number }
  | { kind: "string"; value: string; line: number }
  | { kind: "punct"; value: string; line: number }
  | { kind: "other"; line: number };

/** Splits TypeScript source into the tokens that matter for imports. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // Brace depth at which each open `${` of a template literal resumes its template.
  const templateStack: number[] = [];
  let depth = 0;
  let line = 1;
  let i = 0;
  const n = source.length;
  const last = (): Token | undefined => tokens[tokens.length - 1];
  const regexAllowed = (): boolean => {
    const t = last();
    if (t === undefined) return true;
    if (t.kind === "punct") return !")]}".includes(t.value);
    if (t.kind === "word") return KEYWORDS_BEFORE_REGEX.has(t.value);
    return false;
  };
  // Scans template text from i (just after ` or }) to the closing ` or the next ${.
  const scanTemplate = (): void => {
    const startLine = line;
    let text = "";
    let plain = true;
    while (i < n) {
      const c = source[i];
      if (c === "\\") {
        text += source[i + 1] ?? "";
        if (source[i + 1] === "\n") line++;
        i += 2;
      } else if (c === "`") {
        i++;
        if (plain) tokens.push({ kind: "string", value: text, line: startLine });
        else tokens.push({ kind: "other", line: startLine });
        return;
      } else if (c === "$" && source[i + 1] === "{") {
        i += 2;
        plain = false;
        tokens.push({ kind: "other", line: startLine });
        templateStack.push(depth);
        depth++;
        tokens.push({ kind: "punct", value: "(", line });
        return;
      } else {
        if (c === "\n") line++;
        text += c;
        i++;
      }
    }
  };
  while (i < n) {
    const c = source[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      i += 2;
      while (i < n && !(source[i] === "*" && source[i + 1] === "/")) {
        if (source[i] === "\n") line++;
        i++;
      }
      i += 2;
    } else if (c === '"' || c === "'") {
      const startLine = line;
      let value = "";
      i++;
      while (i < n && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") {
          value += source[i + 1] ?? "";
          i += 2;
        } else {
          value += source[i++];
        }
      }
      i++;
      tokens.push({ kind: "string", value, line: startLine });
    } else if (c === "`") {
      i++;
      scanTemplate();
    } else if (c === "/" && regexAllowed()) {
      let inClass = false;
      i++;
      while (i < n && source[i] !== "\n") {
        const r = source[i];
        if (r === "\\") i++;
        else if (r === "[") inClass = true;
        else if (r === "]") inClass = false;
        else if (r === "/" && !inClass) break;
        i++;
      }
      i++;
      while (i < n && /[a-z]/i.test(source[i])) i++;
      tokens.push({ kind: "other", line });
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(source[j])) j++;
      tokens.push({ kind: "word", value: source.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(source[j])) j++;
      tokens.push({ kind: "other", line });
      i = j;
    } else {
      if (c === "{") depth++;
      if (c === "}") {
        depth--;
        if (templateStack.length > 0 && templateStack[templateStack.length - 1] === depth) {
          templateStack.pop();
          tokens.push({ kind: "punct", value: ")", line });
          i++;
          scanTemplate();
          continue;
        }
      }
      tokens.push({ kind: "punct", value: c, line });
      i++;
    }
  }
  return tokens;
}

const isPunct = (t: Token | undefined, value: string): boolean =>
  t !== undefined && t.kind === "punct" && t.value === value;
const isWord = (t: Token | undefined, value: string): boolean =>
  t !== undefined && t.kind === "word" && t.value === value;

/**
 * The imports of one TypeScript source: static imports and re-exports, side-effect
 * imports, and `import()` / `import type()` with a literal specifier. Text in comments,
 * strings and template literals is ignored.
 */
export function findImports(source: string): FoundImport[] {
  const tokens = tokenize(source);
  const found: FoundImport[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind !== "word" || (t.value !== "import" && t.value !== "export")) continue;
    if (isPunct(tokens[k - 1], ".")) continue; // obj.import(…)
    const next = tokens[k + 1];
    if (t.value === "import" && isPunct(next, "(")) {
      const arg = tokens[k + 2];
      const after = tokens[k + 3];
      if (arg?.kind === "string" && (isPunct(after, ")") || isPunct(after, ","))) {
        found.push({ specifier: arg.value, line: arg.line, dynamic: true });
      }
      continue;
    }
    if (t.value === "import" && isPunct(next, ".")) continue; // import.meta
    if (t.value === "import" && next?.kind === "string") {
      found.push({ specifier: next.value, line: next.line, dynamic: false });
      continue;
    }
    // `import clause from "x"` / `export {…} from "x"` / `export * as ns from "x"`.
    let j = k + 1;
    if (t.value === "export") {
      if (isWord(tokens[j], "type")) j++;
      if (isPunct(tokens[j], "*")) {
        j++;
        if (isWord(tokens[j], "as")) j += 2;
      } else if (isPunct(tokens[j], "{")) {
        while (j < tokens.length && !isPunct(tokens[j], "}")) j++;
        j++;
      } else {
        continue; // export const/function/class/default/…
      }
      if (isWord(tokens[j], "from") && tokens[j + 1]?.kind === "string") {
        const s = tokens[j + 1];
        found.push({ specifier: (s as { value: string }).value, line: s.line, dynamic: false });
      }
      continue;
    }
    // An import clause holds only names, braces, commas, `*`, `as` and `type`.
    while (j < tokens.length) {
      const u = tokens[j];
      if (isWord(u, "from")) break;
      if (u.kind === "word" || (u.kind === "punct" && "{},*".includes(u.value))) j++;
      else break;
    }
    if (isWord(tokens[j], "from") && tokens[j + 1]?.kind === "string") {
      const s = tokens[j + 1];
      found.push({ specifier: (s as { value: string }).value, line: s.line, dynamic: false });
    }
  }
  return found;
}

/** The area of a repository path: its top-level folder, or the file itself at the top. */
function areaOf(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? path : path.slice(0, slash);
}

/** Whether `target` (a repository path) is one of the `allowed` entries. */
function matches(target: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === "*" || a === target || target.startsWith(a + "/"));
}

/** Checks one file's imports; `file` is its path relative to the root (`/` separators). */
export function checkFile(file: string, source: string): Violation[] {
  const violations: Violation[] = [];
  const area = areaOf(file);
  const rules = ALLOWED[area];
  const library = !NON_LIBRARY.has(area);
  for (const { specifier, line } of findImports(source)) {
    const at = { file, line };
    if (specifier.startsWith("./") || specifier.startsWith("../")) {
      const target = new URL(specifier, `file:///root/${file}`).pathname;
      if (!target.startsWith("/root/")) {
        violations.push({
          ...at,
          rule: "layer",
          message: `"${specifier}" points outside the repository`,
        });
        continue;
      }
      const path = decodeURIComponent(target.slice("/root/".length));
      if (!path.endsWith(".ts")) {
        violations.push({
          ...at,
          rule: "extension",
          message: `relative import "${specifier}" must name a .ts file`,
        });
      }
      const targetArea = areaOf(path);
      if (rules === undefined) {
        violations.push({
          ...at,
          rule: "layer",
          message:
            `${area} has no layering rule; add it to tools/check_layers.ts and CONTRIBUTING.md`,
        });
      } else if (targetArea !== area && !matches(path, rules)) {
        const may = rules.length === 0 ? "nothing of ours" : rules.join(", ");
        violations.push({
          ...at,
          rule: "layer",
          message: `${area} may not import ${path} ("${specifier}"); it may import ${may}`,
        });
      }
    } else if (specifier.startsWith("/") || specifier.startsWith("file:")) {
      violations.push({
        ...at,
        rule: "specifier",
        message: `absolute path "${specifier}"; use a relative import`,
      });
    } else if (library && !specifier.startsWith("node:") && !NPM_PINNED.test(specifier)) {
      violations.push({
        ...at,
        rule: "specifier",
        message: `library code imports "${specifier}"; use a full npm:name@x.y.z specifier`,
      });
    }
  }
  return violations;
}

/** Checks every `.ts` file under `root`; the violations in path order. */
export async function checkLayers(root: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  for await (const file of sourceFiles(root, [".ts"])) {
    violations.push(...checkFile(file, await Deno.readTextFile(`${root}/${file}`)));
  }
  return violations;
}

if (import.meta.main) {
  const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  const violations = await checkLayers(root);
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.rule}: ${v.message}`);
  if (violations.length > 0) {
    console.error(`check_layers: ${violations.length} broken rule(s); see CONTRIBUTING.md`);
    Deno.exit(1);
  }
  console.log("check_layers: every import follows the layering");
}
