/**
 * JSON output byte for byte as TF Serving writes it: rapidjson's `PrettyWriter` (4-space indent,
 * `kFormatSingleLineArray` switched per row), its string escaping (control characters, `"` and
 * `\`; other bytes raw, so a DT_STRING that is not UTF-8 is written as its bytes), and
 * `JsonValueToString`, which echoes request values inside error messages.
 */
import { formatFloat32, formatFloat64, formatShortestDouble } from './json-number';
import {
  JsonNumber,
  JsonObject,
  type JsonValue,
  NUM_DOUBLE,
  NUM_INT,
  NUM_INT64_NEG,
  NUM_INT64_POS,
  NUM_UINT,
  NUM_UINT64,
  NumArray,
} from './json-value';

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these
const ESCAPE_ALL = /["\\\u0000-\u001f]/g;
const HEX = '0123456789ABCDEF';
const SHORT_ESCAPES: Record<number, string> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

/**
 * A streaming JSON writer: rapidjson's PrettyWriter (`pretty`, the default) or plain Writer.
 * Raw text goes through `raw` (numbers already formatted); strings may be bytes.
 * @example
 *   const w = new JsonWriter(); w.startObject(); w.key('error'); w.string('oops'); w.endObject();
 *   w.toBuffer().toString(); // '{\n    "error": "oops"\n}'
 */
export class JsonWriter {
  private out = '';
  private chunks: Buffer[] | undefined;
  private readonly inArray: boolean[] = [];
  private readonly counts: number[] = [];
  private singleLine = false;

  constructor(
    private readonly pretty = true,
    private readonly indentWidth = 4,
  ) {}

  /** rapidjson's `kFormatSingleLineArray`: array elements on one line, `, ` apart. */
  setSingleLineArray(on: boolean): void {
    this.singleLine = on;
  }
  startObject(): void {
    this.prefix();
    this.out += '{';
    this.inArray.push(false);
    this.counts.push(0);
  }
  endObject(): void {
    this.inArray.pop();
    if ((this.counts.pop() ?? 0) > 0 && this.pretty) this.newline();
    this.out += '}';
  }
  startArray(): void {
    this.prefix();
    this.out += '[';
    this.inArray.push(true);
    this.counts.push(0);
  }
  endArray(): void {
    this.inArray.pop();
    if ((this.counts.pop() ?? 0) > 0 && this.pretty && !this.singleLine) this.newline();
    this.out += ']';
  }
  key(name: string): void {
    this.prefix();
    this.writeString(name);
  }
  /** A value whose JSON text is already made (a formatted number). */
  raw(text: string): void {
    this.prefix();
    this.out += text;
  }
  string(s: string | Uint8Array): void {
    this.prefix();
    this.writeString(s);
  }
  bool(v: boolean): void {
    this.raw(v ? 'true' : 'false');
  }
  null(): void {
    this.raw('null');
  }

  /** The document so far as bytes. */
  toBuffer(): Buffer {
    if (!this.chunks) return Buffer.from(this.out, 'utf8');
    return Buffer.concat([...this.chunks, Buffer.from(this.out, 'utf8')]);
  }
  /** The document so far as text (bytes that are not UTF-8 become U+FFFD). */
  toString(): string {
    return this.chunks ? this.toBuffer().toString('utf8') : this.out;
  }

  private newline(): void {
    this.out += `\n${' '.repeat(this.indentWidth * this.counts.length)}`;
  }

  private prefix(): void {
    const depth = this.counts.length;
    if (depth === 0) return;
    const count = this.counts[depth - 1];
    if (this.inArray[depth - 1]) {
      if (count > 0) this.out += this.pretty && this.singleLine ? ', ' : ',';
      if (this.pretty && !this.singleLine) this.newline();
    } else if (count % 2 === 1) {
      this.out += this.pretty ? ': ' : ':';
    } else {
      if (count > 0) this.out += ',';
      if (this.pretty) this.newline();
    }
    this.counts[depth - 1] = count + 1;
  }

  private writeString(s: string | Uint8Array): void {
    if (typeof s === 'string') {
      this.out += `"${NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_ALL, escapeChar) : s}"`;
      return;
    }
    // Bytes that are not UTF-8: escaped like rapidjson, the rest copied unchanged.
    const bytes: number[] = [0x22];
    for (const c of s) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) bytes.push(c);
      else for (const ch of escapeChar(String.fromCharCode(c))) bytes.push(ch.charCodeAt(0));
    }
    bytes.push(0x22);
    this.chunks ??= [];
    this.chunks.push(Buffer.from(this.out, 'utf8'), Buffer.from(bytes));
    this.out = '';
  }
}

function escapeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  return SHORT_ESCAPES[c] ?? `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
}

/**
 * TF Serving's `JsonValueToString`: a request value as error messages quote it (pretty printed;
 * a top-level decimal via WriteDecimal as float when in float range, else as double).
 * @example
 *   jsonValueToString(new JsonNumber(1.5, NUM_DOUBLE)); // '1.5'
 */
export function jsonValueToString(v: JsonValue): string {
  if (v instanceof JsonNumber && v.kind === NUM_DOUBLE) {
    const d = v.value;
    return d >= -3.4028234e38 && d <= 3.4028234e38 ? formatFloat32(Math.fround(d)) : formatFloat64(d);
  }
  const w = new JsonWriter();
  accept(v, w);
  return w.toString();
}

/** rapidjson `Value::Accept`: false once a value cannot be written (NaN/Inf), which stops it. */
function accept(v: JsonValue, w: JsonWriter): boolean {
  if (v === null) w.null();
  else if (typeof v === 'boolean') w.bool(v);
  else if (typeof v === 'string' || v instanceof Uint8Array) w.string(v);
  else if (v instanceof JsonNumber) return acceptNumber(v, w);
  else if (v instanceof NumArray) {
    w.startArray();
    for (let i = 0; i < v.length; i++) if (!acceptNumber(v.at(i), w)) return false;
    w.endArray();
  } else if (v instanceof JsonObject) {
    w.startObject();
    for (let i = 0; i < v.keys.length; i++) {
      w.key(v.keys[i]);
      if (!accept(v.values[i], w)) return false;
    }
    w.endObject();
  } else {
    w.startArray();
    for (const item of v) if (!accept(item, w)) return false;
    w.endArray();
  }
  return true;
}

function acceptNumber(n: JsonNumber, w: JsonWriter): boolean {
  if (n.kind !== NUM_DOUBLE) {
    w.raw(numberText(n));
    return true;
  }
  const text = formatShortestDouble(n.value);
  w.raw(text ?? '');
  return text !== undefined;
}

/**
 * The exact decimal text of an integer token.
 * @example
 *   numberText(new JsonNumber(2 ** 53, NUM_INT64_POS, 9007199254740993n)); // '9007199254740993'
 */
export function numberText(n: JsonNumber): string {
  switch (n.kind) {
    case NUM_INT:
    case NUM_UINT:
      return String(n.value);
    case NUM_INT64_NEG:
    case NUM_INT64_POS:
    case NUM_UINT64:
      return String(n.big ?? n.value);
    default:
      return jsonValueToString(n);
  }
}
