/**
 * `sinf` and `cosf` as glibc (2.28 and later, x86-64) computes them, the only libm calls in
 * Box2D 2.3.0's core (`b2Rot::Set`).
 *
 * glibc evaluates them in double precision: below |x| < 0.75 (its `abstop12` test against
 * π/4) a polynomial in x directly, up to 120 a reduction by the nearest multiple of π/2 and
 * the sine or cosine polynomial of the quadrant; the double result is rounded to float once.
 * That rounding is not always the correctly rounded one (`Math.fround(Math.sin(x))`): the
 * two differ on about 1 float in 1200 in [−3.2, 3.2], and pybox2d evaluates thousands of
 * rotations per step. Every operation here is a double operation in glibc's order, so the
 * results are glibc's bit for bit (checked against the C library on every sampled float);
 * above 120 (never reached by these environments' angles) the correctly rounded value is
 * returned instead of glibc's slow path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cosf, sinf } from "./trig32.ts";
 * assert.equal(sinf(0), 0);
 * assert.equal(cosf(0), 1);
 * assert.ok(Math.abs(sinf(0.5) - Math.sin(0.5)) < 1e-7);
 * ```
 * @module
 */

const f = Math.fround;
const bits = new Uint32Array(1);
const floats = new Float32Array(bits.buffer);

/** The exponent and top 3 mantissa bits of |x| as float (glibc's `abstop12`). */
function abstop12(x: number): number {
  floats[0] = x;
  return (bits[0] >>> 20) & 0x7ff;
}

const PIO4_TOP = abstop12(f(0.785398185253143310546875));
const TINY_TOP = abstop12(2 ** -12);
const LARGE_TOP = abstop12(120);
/** 2/π · 2²⁴ and π/2 (double constants of glibc's table). */
const HPI_INV = 0x145F306DC9C883 * 2 ** -29;
const HPI = 0x1921FB54442D18 * 2 ** -52;
// Cosine and sine polynomial coefficients (glibc's `__sincosf_table`).
const C0 = 1;
const C1 = -0x1ffffffd0c621c * 2 ** -54;
const C2 = 0x155553e1068f19 * 2 ** -57;
const C3 = -0x16c087e89a359d * 2 ** -62;
const C4 = 0x199343027bf8c3 * 2 ** -68;
const S1 = -0x1555545995a603 * 2 ** -55;
const S2 = 0x11107605230bc4 * 2 ** -59;
const S3 = -0x1994eb3774cf24 * 2 ** -65;

/** Where {@link sincosf} leaves its results: `[sin, cos]` (numbers a function returns are boxed). */
export const SINCOS: Float64Array = new Float64Array(2);

const SIGN = [1, -1, -1, 1];

/**
 * glibc's `sinf` and `cosf` of the float32 value `y` into `SINCOS` (`[sin, cos]`). Below
 * π/4 the sine and cosine polynomials of x; up to 120 those of x − n·π/2 for the nearest
 * multiple n, with n's quadrant swapping them and signing them (`neg` selects glibc's second
 * table, whose cosine coefficients are negated; its sine ones are the same). Written as one
 * function: numbers passed to or returned from a call that is not inlined are boxed.
 */
export function sincosf(y: number): void {
  let x = f(y);
  const top = abstop12(x);
  let neg = false, swap = false;
  if (top < PIO4_TOP) {
    if (top < TINY_TOP) {
      SINCOS[0] = x;
      SINCOS[1] = 1;
      return;
    }
  } else if (top < LARGE_TOP) {
    const n = (((x * HPI_INV) | 0) + 0x800000) >> 24;
    const r = x - n * HPI;
    x = r * SIGN[n & 3];
    neg = (n & 2) !== 0;
    swap = (n & 1) === 1;
  } else {
    SINCOS[0] = f(Math.sin(x));
    SINCOS[1] = f(Math.cos(x));
    return;
  }
  const x2 = x * x;
  // The sine polynomial.
  const x3 = x * x2;
  const s1 = S2 + x2 * S3;
  const x7 = x3 * x2;
  const sine = f(x + x3 * S1 + x7 * s1);
  // The cosine polynomial.
  const sg = neg ? -1 : 1;
  const x4 = x2 * x2;
  const c2 = sg * C3 + x2 * (sg * C4);
  const c1 = sg * C0 + x2 * (sg * C1);
  const x6 = x4 * x2;
  const c = c1 + x4 * (sg * C2);
  const cosine = f(c + x6 * c2);
  SINCOS[0] = swap ? cosine : sine;
  SINCOS[1] = swap ? sine : cosine;
}

/** glibc's `sinf` of the float32 value `y`. */
export function sinf(y: number): number {
  sincosf(y);
  return SINCOS[0];
}

/** glibc's `cosf` of the float32 value `y`. */
export function cosf(y: number): number {
  sincosf(y);
  return SINCOS[1];
}
