/**
 * uPlot (pinned), for the dashboard page only: bundled into the page's code, never loaded by
 * the toolkit itself. Its style sheet is served by `../uplot.ts` from the same package.
 * @module
 */
export { default } from "npm:uplot@1.6.32";
