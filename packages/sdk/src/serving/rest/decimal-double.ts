/**
 * Correctly rounded decimal → double for the common JSON number (up to 19 significant digits,
 * decimal exponent within ±22) without making a string: `Number(text)` on a slice costs ~200 ns
 * per number, which for a 784-float request was most of the request's parse time.
 *
 * How: the significand (≤ 19 digits, so up to 2^64) is held exactly as a double-double, scaled
 * by an exact power of ten (10^0..10^22 are exact doubles) with error-free products (Dekker), so
 * the result carries a relative error below 2^-100. If rounding the interval ±2^-96 around it
 * to a double gives one value, that is the correctly rounded double (IEEE addition rounds
 * correctly, and rounding is monotone); otherwise (a near tie, about 1 in 2^43) the caller falls
 * back to `Number`.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Dekker's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;
/** Half-width of the interval checked, relative: 16x the worst-case error. */
const MARGIN = 2 ** -96;

/** The rounding error of `p = x * y` (so x * y === p + err exactly); no FMA needed. */
function productError(x: number, y: number, p: number): number {
  let t = SPLIT * x;
  const xh = t - (t - x);
  const xl = x - xh;
  t = SPLIT * y;
  const yh = t - (t - y);
  const yl = y - yh;
  return xh * yh - p + xh * yl + xl * yh + xl * yl;
}

/**
 * The double nearest to `(high * 10^lowDigits + low) * 10^exp10` (ties to even), where `high`
 * holds at most 15 digits and `low` the next `lowDigits` (0..4); NaN when it cannot tell (a near
 * tie, or `exp10` outside ±22): the caller then parses the text.
 * @example
 *   decimalToDouble(117647058823529, 41, 2, -18); // 0.011764705882352941
 */
export function decimalToDouble(high: number, low: number, lowDigits: number, exp10: number): number {
  if (exp10 < -22 || exp10 > 22) return Number.NaN;
  // The significand as an exact double-double (mh + ml).
  const scale = POW10[lowDigits];
  const p = high * scale;
  const pe = productError(high, scale, p);
  const s = p + low;
  const bv = s - p;
  const se = p - (s - bv) + (low - bv);
  const t = se + pe;
  const mh = s + t;
  const ml = t - (mh - s);
  let h: number;
  let l: number;
  if (exp10 >= 0) {
    const f = POW10[exp10];
    h = mh * f;
    l = productError(mh, f, h) + ml * f;
  } else {
    const f = POW10[-exp10];
    h = mh / f;
    const q = h * f;
    // mh - q is exact (Sterbenz); the remainder over f is the low part of the quotient.
    l = (mh - q - productError(h, f, q) + ml) / f;
  }
  const eps = h * MARGIN;
  const up = h + (l + eps);
  return up === h + (l - eps) ? up : Number.NaN;
}
