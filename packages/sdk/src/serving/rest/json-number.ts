/**
 * Number text exactly as TF Serving writes it. Tensor floats go through json_tensor.cc's
 * `WriteDecimal`: absl `StrCat` (printf `%g`, 6 digits) when that round-trips, else `%.9g` (float)
 * or `%.17g` (double), `.0` appended to whole numbers, `NaN` / `Infinity` / `-Infinity` as bare
 * tokens. Doubles nested in an echoed request value go through rapidjson's own shortest form.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A float32 tensor value as TF Serving prints it (`WriteDecimal<float>`).
 * @example
 *   formatFloat32(4); // '4.0'
 *   formatFloat32(Math.fround(0.1)); // '0.1'
 */
export function formatFloat32(v: number): string {
  return writeDecimal(v, true);
}

/**
 * A float64 tensor value as TF Serving prints it (`WriteDecimal<double>`).
 * @example
 *   formatFloat64(9000000); // '9e+06'
 */
export function formatFloat64(v: number): string {
  return writeDecimal(v, false);
}

function writeDecimal(v: number, float: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  // Whole numbers below 1e6 print as themselves under %g: skip the string work.
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return Object.is(v, -0) ? '-0.0' : `${v}.0`;
  const neg = v < 0;
  const a = neg ? -v : v;
  const precision = float ? 9 : 17;
  // One conversion at full precision; the 6-digit %g is rounded from it and checked with
  // arithmetic rather than text (4x faster than converting and parsing twice). Rounding twice
  // differs from rounding once only when the dropped tail is exactly a half: then convert again.
  const [digits, exp] = scientific(a, precision);
  const short = roundDigits(digits, exp, 6) ?? scientific(a, 6);
  const q = +short[0];
  const k = short[1] - 5;
  // Clinger: an exact integer times an exact power of ten rounds once, as parsing the text would.
  const back = k >= 0 ? (k <= 22 ? q * POW10[k] : Number(`${q}e${k}`)) : k >= -22 ? q / POW10[-k] : Number(`${q}e${k}`);
  const s =
    (float ? Math.fround(back) : back) === a ? render(short[0], short[1], 6, neg) : render(digits, exp, precision, neg);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** `digits` rounded half-up to `n`; undefined when the dropped part is exactly a half. */
function roundDigits(digits: string, exp: number, n: number): [string, number] | undefined {
  const next = digits.charCodeAt(n);
  if (next < 0x35) return [digits.slice(0, n), exp];
  if (next === 0x35 && stripZeros(digits.slice(n + 1)) === '') return undefined;
  let i = n - 1;
  while (i >= 0 && digits.charCodeAt(i) === 0x39) i--;
  if (i < 0) return [`1${'0'.repeat(n - 1)}`, exp + 1];
  return [digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(n - 1 - i), exp];
}

/**
 * printf's `%.{precision}g` (round half to even on the exact binary value, like glibc).
 * @example
 *   formatG(123456789, 6); // '1.23457e+08'
 */
export function formatG(v: number, precision: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const neg = v < 0;
  const [digits, exp] = scientific(neg ? -v : v, precision);
  return render(digits, exp, precision, neg);
}

/** %g layout of `precision` significant digits with decimal exponent `exp`. */
function render(digits: string, exp: number, precision: number, neg: boolean): string {
  let out: string;
  if (exp < -4 || exp >= precision) {
    const frac = stripZeros(digits.slice(1));
    const e = exp < 0 ? -exp : exp;
    out = `${digits[0]}${frac ? `.${frac}` : ''}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  } else if (exp >= 0) {
    const frac = stripZeros(digits.slice(exp + 1));
    out = digits.slice(0, exp + 1) + (frac ? `.${frac}` : '');
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${stripZeros(digits)}`;
  }
  return neg ? `-${out}` : out;
}

/** `precision` significant digits of `a` > 0 and the decimal exponent of the first one. */
function scientific(a: number, precision: number): [string, number] {
  const s = a.toExponential(precision - 1);
  const e = precision === 1 ? 1 : precision + 1;
  const digits = precision === 1 ? s[0] : s[0] + s.slice(2, e);
  let exp = 0;
  for (let i = e + 2; i < s.length; i++) exp = exp * 10 + s.charCodeAt(i) - 0x30;
  if (s.charCodeAt(e + 1) === 0x2d) exp = -exp;
  // JS rounds exact ties away from zero, printf to even. A tie needs an exact expansion of
  // precision + 1 digits, so at most (precision + 1) / log10(5) binary fraction digits: the
  // usual value (24+ fraction bits) is ruled out by one multiplication.
  if (!Number.isInteger(a * 2 ** Math.ceil((precision + 1) * 1.4307))) return [digits, exp];
  const longer = a.toExponential(precision);
  if (longer.charCodeAt(longer.indexOf('e') - 1) !== 0x35) return [digits, exp];
  const exact = exactDecimal(a);
  if (exact.digits.length !== precision + 1) return [digits, exp];
  if ((exact.digits.charCodeAt(precision - 1) & 1) === 1) return [digits, exp];
  return [exact.digits.slice(0, precision), exact.exp];
}

/** The exact decimal expansion of a positive finite double: significant digits and exponent. */
function exactDecimal(a: number): { digits: string; exp: number } {
  F64[0] = a;
  const hi = U32[LITTLE ? 1 : 0];
  const lo = U32[LITTLE ? 0 : 1];
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) mant |= 1n << 52n;
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  const text = e2 >= 0 ? (mant << BigInt(e2)).toString() : (mant * 5n ** BigInt(-e2)).toString();
  const exp = text.length - 1 + Math.min(e2, 0);
  return { digits: stripZeros(text), exp };
}

function stripZeros(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x30) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * A double as rapidjson's `Writer::Double` prints it (Grisu shortest digits, `Prettify`):
 * `1.0`, `0.001234`, `1e30`, `1.234e33`. Used where TF Serving echoes a request value in an
 * error message. Returns undefined for NaN and infinities, which that writer refuses.
 * @example
 *   formatShortestDouble(1e30); // '1e30'
 */
export function formatShortestDouble(v: number): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const neg = v < 0;
  const s = (neg ? -v : v).toExponential();
  const e = s.indexOf('e');
  const digits = e === 1 ? s[0] : s[0] + s.slice(2, e);
  const kk = Number(s.slice(e + 1)) + 1;
  const k = kk - digits.length;
  let out: string;
  if (k >= 0 && kk <= 21) out = `${digits}${'0'.repeat(k)}.0`;
  else if (kk > 0 && kk <= 21) out = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -6 && kk <= 0) out = `0.${'0'.repeat(-kk)}${digits}`;
  else if (digits.length === 1) out = `${digits}e${kk - 1}`;
  else out = `${digits[0]}.${digits.slice(1)}e${kk - 1}`;
  return neg ? `-${out}` : out;
}
