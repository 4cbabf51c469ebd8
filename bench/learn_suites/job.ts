/**
 * One training job of `bench/learn.ts` and a suite of them.
 * @module
 */
import type { AlgorithmName } from "../../algorithms/mod.ts";

/** One algorithm on one environment, trained for `steps` with a preset. */
export interface LearnJob {
  /** The algorithm. */
  algo: AlgorithmName;
  /** The environment id. */
  env: string;
  /** Environment steps to train. */
  steps: number;
  /** The return counted as "reached" (mean of the last 20 training episodes). */
  threshold: number;
  /** A named preset (default: the environment's tuned one). */
  preset?: string;
  /** The row label (default: the algorithm). */
  label?: string;
  /** A published figure the median seed is measured against (shown beside the results). */
  goal?: { value: number; source: string };
}

/** A named list of jobs and the BENCHMARKS.md section its full run writes. */
export interface LearnSuite {
  /** `--suite` name. */
  name: string;
  /** BENCHMARKS.md section of the full run (`<section>-quick` for `--quick`). */
  section: string;
  /** The full jobs. */
  full: LearnJob[];
  /** The `--quick` jobs (the whole quick run stays within a minute). */
  quick: LearnJob[];
}
