/**
 * uPlot, the charting library of the dashboard: the pinned npm package, bundled into the
 * page's code by `bundle.ts` (the page imports it), and its style sheet, read from Deno's
 * npm cache and served by the dashboard, so the page needs no network.
 * @module
 */

/** The pinned npm specifier of uPlot. */
export const UPLOT_SPECIFIER = "npm:uplot@1.6.32";

let css: Promise<string> | undefined;

/** uPlot's `dist/uPlot.min.css` (the package is fetched once if missing). */
export function uplotCss(): Promise<string> {
  css ??= (async () => {
    const specifier = UPLOT_SPECIFIER;
    await import(specifier);
    const main = new URL(import.meta.resolve(specifier));
    return await Deno.readTextFile(new URL("./uPlot.min.css", main));
  })();
  return css;
}
