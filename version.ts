/** The toolkit's version, written into checkpoints and exported models. @module */

/** Semantic version of this toolkit (matches `deno.json`). */
export const VERSION = "0.1.0";
