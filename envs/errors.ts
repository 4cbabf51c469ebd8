/**
 * The error every environment-machinery check throws: it names the environment id, the
 * method, the field path and the offending value, as
 *
 * `[<envId>] <method>: <path>: <problem> (got <value preview>)`
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EnvError } from "./errors.ts";
 * const e = new EnvError("CartPole-v1", "step", "reward", "must be a finite number", NaN);
 * assert.equal(e.message, '[CartPole-v1] step: reward: must be a finite number (got "NaN")');
 * ```
 * @module
 */
import { preview } from "./space_utils.ts";

/**
 * An environment did something it must not: names env id, method, field path and value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EnvError } from "./errors.ts";
 *
 * const e = new EnvError("Pendulum-v1", "reset", "observation.2", "must be finite", Infinity);
 * assert.equal(e.path, "observation.2");
 * assert.match(e.message, /^\[Pendulum-v1\] reset: observation\.2: must be finite/);
 * ```
 */
export class EnvError extends Error {
  /** The environment id (or `"<unnamed env>"`). */
  readonly envId: string;
  /** The method that produced the bad value, e.g. `reset`, `step`, `make`. */
  readonly method: string;
  /** The field path of the bad value, e.g. `observation.2` or `observationSpace.low.3`. */
  readonly path: string;
  /** The offending value. */
  readonly value: unknown;
  /** The problem alone, without the id/method/path/value decoration. */
  readonly problem: string;

  /** Creates the error; the message is built from the parts. */
  constructor(
    envId: string,
    method: string,
    path: string,
    problem: string,
    value: unknown,
    options?: ErrorOptions,
  ) {
    super(`[${envId}] ${method}: ${path}: ${problem} (got ${preview(value)})`, options);
    this.name = "EnvError";
    this.envId = envId;
    this.method = method;
    this.path = path;
    this.problem = problem;
    this.value = value;
  }
}
