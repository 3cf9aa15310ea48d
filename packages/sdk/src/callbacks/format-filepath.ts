/**
 * Python `str.format` for checkpoint paths such as `ckpt/{epoch:02d}-{val_loss:.4f}`: the part of
 * the format-spec grammar Keras users write, `[[fill]align][sign][0][width][.precision][type]`
 * with types d, e, E, f, F, g, G, % and none. Rounding is Python's (exact, half to even).
 */
import { closestMatch } from '../core/did-you-mean';
import { TfscaleError } from '../core/errors';

type Part = string | { key: string; spec: Spec; raw: string };

interface Spec {
  fill: string;
  align: '<' | '>' | '=' | '^';
  sign: '-' | '+' | ' ';
  width: number;
  precision?: number;
  type: '' | 'd' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%';
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(0)?(\d+)?(?:\.(\d+))?([deEfFgG%])?$/su;

/**
 * A parsed filepath template; syntax errors are thrown by the constructor, missing keys by
 * {@link FilepathTemplate.format}.
 *
 * @example
 * ```ts
 * const t = new FilepathTemplate('ckpt/{epoch:02d}-{val_loss:.4f}');
 * t.keys; // ['epoch', 'val_loss']
 * t.format({ epoch: 3, val_loss: 0.123456 }, ['epoch']); // 'ckpt/03-0.1235'
 * ```
 */
export class FilepathTemplate {
  readonly keys: readonly string[];
  readonly #parts: Part[];

  constructor(readonly template: string) {
    this.#parts = parse(template);
    this.keys = [...new Set(this.#parts.flatMap((p) => (typeof p === 'string' ? [] : [p.key])))];
  }

  /** True when the template has at least one `{…}` field (each save gets its own path). */
  get isTemplated(): boolean {
    return this.keys.length > 0;
  }

  /** Fills every field; keys named in `integers` are Python ints (for `d`), the others floats. */
  format(values: Readonly<Record<string, number>>, integers: Iterable<string> = []): string {
    const ints = new Set(integers);
    return this.#parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const value = values[part.key];
        if (value === undefined) throw this.#missing(part.key, values);
        return formatNumber(value, ints.has(part.key), part.spec, part.key, part.raw);
      })
      .join('');
  }

  #missing(key: string, values: Readonly<Record<string, number>>): TfscaleError {
    const available = Object.keys(values);
    const guess = closestMatch(key, available);
    return new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `Failed to format this callback filepath: "${this.template}". Reason: it references \`${key}\`, which is not among the available keys: ${available.join(', ')}.`,
      {
        hint: guess
          ? `did you mean \`{${guess}}\`?`
          : 'use `epoch`, `batch` or a log name such as `loss` or `val_loss`',
      },
    );
  }
}

/**
 * One-shot {@link FilepathTemplate}: `formatFilepath('w-{epoch:03d}', { epoch: 7 }, ['epoch'])`.
 *
 * @example
 * ```ts
 * formatFilepath('{epoch:02d}-{loss:.2e}', { epoch: 1, loss: 0.000123 }, ['epoch']); // '01-1.23e-04'
 * ```
 */
export function formatFilepath(
  template: string,
  values: Readonly<Record<string, number>>,
  integers: Iterable<string> = [],
): string {
  return new FilepathTemplate(template).format(values, integers);
}

function syntaxError(template: string, reason: string): TfscaleError {
  return new TfscaleError(
    'TFSCALE_E_INVALID_VALUE',
    `Invalid value for \`filepath\`. Received: filepath=${JSON.stringify(template)}. ${reason}`,
    {
      hint: 'fields look like {epoch:02d} or {val_loss:.4f}; write {{ and }} for literal braces',
    },
  );
}

function parse(template: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '}') {
      throw syntaxError(template, "Single '}' encountered in format string.");
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw syntaxError(template, "Expected '}' before end of string.");
      const field = template.slice(i + 1, end);
      const colon = field.indexOf(':');
      const key = colon < 0 ? field : field.slice(0, colon);
      if (key === '' || /[.[!{]/.test(key)) {
        throw syntaxError(
          template,
          `The field {${field}} is not supported: fields name a key, e.g. {epoch} or {val_loss:.4f}.`,
        );
      }
      if (text) parts.push(text);
      text = '';
      parts.push({ key, spec: parseSpec(template, colon < 0 ? '' : field.slice(colon + 1)), raw: field });
      i = end;
    } else text += c;
  }
  if (text) parts.push(text);
  return parts;
}

function parseSpec(template: string, spec: string): Spec {
  const m = SPEC.exec(spec);
  if (!m)
    throw syntaxError(
      template,
      `The format spec ":${spec}" is not supported (supported: [[fill]align][sign][0][width][.precision][d|e|E|f|F|g|G|%]).`,
    );
  const [, fill, align, sign, zero, width, precision, type] = m;
  return {
    // Python: a leading 0 means "pad with zeros after the sign" unless fill/align say otherwise.
    fill: fill ?? (zero ? '0' : ' '),
    align: (align ?? (zero ? '=' : '>')) as Spec['align'],
    sign: (sign ?? '-') as Spec['sign'],
    width: width ? Number(width) : 0,
    precision: precision === undefined ? undefined : Number(precision),
    type: (type ?? '') as Spec['type'],
  };
}

function formatNumber(value: number, isInt: boolean, spec: Spec, key: string, raw: string): string {
  const { type, precision } = spec;
  if (isInt && type === 'd' && !Number.isInteger(value)) isInt = false;
  if (type === 'd' && !isInt) {
    throw new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `Unknown format code 'd' for the float \`${key}\`=${value} in {${raw}}.`,
      {
        hint: `log values are floats: write e.g. {${key}:.4f}`,
      },
    );
  }
  if (isInt && type === '' && precision !== undefined) {
    throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `Precision not allowed in integer format specifier {${raw}}.`);
  }
  const negative = value < 0 || Object.is(value, -0);
  const abs = Math.abs(value);
  let body: string;
  if (isInt && (type === '' || type === 'd')) body = BigInt(abs).toString();
  else if (!Number.isFinite(abs)) body = (Number.isNaN(abs) ? 'nan' : 'inf') + (type === '%' ? '%' : '');
  else if (type === 'f' || type === 'F') body = fixed(abs, precision ?? 6);
  else if (type === '%') body = `${fixed(abs * 100, precision ?? 6)}%`;
  else if (type === 'e' || type === 'E') body = scientific(abs, precision ?? 6);
  else if (type === 'g' || type === 'G') body = general(abs, precision ?? 6, false);
  else body = precision === undefined ? pyRepr(abs) : general(abs, precision, true);
  if ('EFG'.includes(type) && type !== '') body = body.toUpperCase();
  const signText = negative && !Number.isNaN(value) ? '-' : spec.sign === '-' ? '' : spec.sign;
  return pad(signText, body, spec);
}

function pad(sign: string, body: string, { fill, align, width }: Spec): string {
  const room = width - sign.length - body.length;
  if (room <= 0) return sign + body;
  if (align === '=') return sign + fill.repeat(room) + body;
  if (align === '<') return sign + body + fill.repeat(room);
  if (align === '^') return fill.repeat(Math.floor(room / 2)) + sign + body + fill.repeat(room - Math.floor(room / 2));
  return fill.repeat(room) + sign + body;
}

/** round-half-even(x · 10^shift) computed exactly from the binary value of `x` (x ≥ 0, finite). */
function scaled(x: number, shift: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const exponentBits = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let num = exponentBits === 0 ? fraction : fraction | (1n << 52n);
  const exp2 = (exponentBits === 0 ? 1 : exponentBits) - 1075;
  let den = 1n;
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

function fixed(x: number, decimals: number): string {
  const digits = scaled(x, decimals)
    .toString()
    .padStart(decimals + 1, '0');
  return decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** `x` rounded to `significant` digits: the digits and the decimal exponent of the first one. */
function significand(x: number, significant: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(significant), exp: 0 };
  let exp = Math.floor(Math.log10(x));
  for (;;) {
    const n = scaled(x, significant - 1 - exp);
    if (n >= 10n ** BigInt(significant)) exp++;
    else if (n < 10n ** BigInt(significant - 1)) exp--;
    else return { digits: n.toString(), exp };
  }
}

function exponent(exp: number): string {
  return `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function scientific(x: number, decimals: number): string {
  const { digits, exp } = significand(x, decimals + 1);
  return `${digits[0]}${decimals > 0 ? `.${digits.slice(1)}` : ''}${exponent(exp)}`;
}

/** `g`, or with `noType` Python's float format without a type (always a digit after the point). */
function general(x: number, precision: number, noType: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const { exp } = significand(x, p);
  const useFixed = exp >= -4 && exp < (noType ? p - 1 : p);
  let text = useFixed ? fixed(x, p - 1 - exp) : scientific(x, p - 1);
  const [mantissa, e = ''] = text.split('e');
  text = (mantissa!.includes('.') ? mantissa!.replace(/0+$/, '').replace(/\.$/, '') : mantissa!) + (e ? `e${e}` : '');
  return noType && useFixed && !text.includes('.') ? `${text}.0` : text;
}

/** Python's `repr(float)`: the shortest round-tripping digits, scientific outside [1e-4, 1e16). */
function pyRepr(x: number): string {
  const [m, e] = x.toExponential().split('e');
  const digits = m!.replace('.', '');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}${exponent(exp)}`;
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${whole}.${digits.slice(exp + 1) || '0'}`;
}
