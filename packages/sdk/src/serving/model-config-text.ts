/**
 * A parser for the protobuf text format subset TF Serving's config files use, driven by a small
 * schema: nested messages (`{}` or `<>`, colon optional), scalars, enums, repeated fields (repeated
 * or `[a, b]` lists), `map<>` fields as key/value entries, `#` comments, `,`/`;` separators,
 * adjacent string concatenation. protobufjs has no text-format parser, hence this one. Errors
 * carry 1-based line:column and protobuf's TextFormat wording.
 */
import { TfscaleError } from '../core/errors';

/**
 * One field of a {@link TextMessageSchema}.
 * @example
 *   const f: TextFieldSchema = { kind: 'int64', repeated: true };
 */
export interface TextFieldSchema {
  kind: 'string' | 'int64' | 'uint32' | 'int32' | 'double' | 'bool' | 'enum' | 'message' | 'map';
  repeated?: boolean;
  /** For `message` fields; for `map` fields, the value message when values are messages. */
  message?: TextMessageSchema;
  /** For `map` fields with scalar values. */
  mapValue?: TextFieldSchema['kind'];
  enumValues?: readonly string[];
  oneof?: string;
}

/**
 * A message type: its full name (for messages) and its fields by text-format (snake_case) name.
 * Parsed objects use camelCase keys, as protobufjs objects do.
 * @example
 *   const latest: TextMessageSchema = { name: 'tensorflow.serving.FileSystemStoragePathSourceConfig.ServableVersionPolicy.Latest', fields: { num_versions: { kind: 'uint32' } } };
 */
export interface TextMessageSchema {
  name: string;
  fields: Readonly<Record<string, TextFieldSchema>>;
}

/**
 * A syntax or schema error in a text-format file, at 1-based `line`:`column`.
 * @example
 *   try { parseTextProto(text, schema, 'models.config'); } catch (e) { if (e instanceof TextProtoSyntaxError) e.line; }
 */
export class TextProtoSyntaxError extends TfscaleError {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    messageType: string,
  ) {
    super(
      'TFSCALE_E_INVALID_VALUE',
      `Error parsing text-format ${messageType}: ${source}:${line}:${column}: ${detail}`,
      {
        hint: 'The file is a protobuf text-format ModelServerConfig, e.g. model_config_list { config { name: "m" base_path: "/models/m" model_platform: "tensorflow" } }',
      },
    );
  }
}

interface Token {
  type: 'ident' | 'string' | 'number' | 'symbol' | 'end';
  text: string;
  value: string;
  line: number;
  col: number;
}

const BOOLS = new Map([
  ['true', true],
  ['t', true],
  ['1', true],
  ['false', false],
  ['f', false],
  ['0', false],
]);

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };

function tokenize(text: string, fail: (line: number, col: number, msg: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < text.length) {
    const c = text[i]!;
    const col = i - lineStart + 1;
    if (c === '\n') {
      line++;
      lineStart = ++i;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (c === '"' || c === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== c; j++) {
        if (text[j] === '\n') fail(line, col, 'Multiline strings are not allowed. Did you miss a "?');
        if (text[j] !== '\\') {
          value += text[j];
          continue;
        }
        const e = text[++j] ?? '';
        const oct = /^[0-7]{1,3}/.exec(text.slice(j, j + 3));
        const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(j, j + 3));
        const code = oct ? oct[0] : hex?.[0];
        if (code) {
          value += String.fromCharCode(oct ? Number.parseInt(code, 8) : Number.parseInt(code.slice(1), 16));
          j += code.length - 1;
        } else value += Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : e;
      }
      if (j >= text.length) fail(line, col, 'Unexpected end of string.');
      tokens.push({ type: 'string', text: text.slice(i, j + 1), value, line, col });
      i = j + 1;
    } else {
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fF]?)/.exec(
        text.slice(i),
      );
      if (m) {
        const type = /^[A-Za-z_]/.test(m[0]) ? 'ident' : 'number';
        tokens.push({ type, text: m[0], value: m[0], line, col });
        i += m[0].length;
      } else {
        tokens.push({ type: 'symbol', text: c, value: c, line, col });
        i++;
      }
    }
  }
  tokens.push({ type: 'end', text: '', value: '', line, col: text.length - lineStart + 1 });
  return tokens;
}

/**
 * Parses `text` as the message `schema` describes. Throws {@link TextProtoSyntaxError}.
 * @example
 *   const config = parseTextProto('model_config_list { config { name: "m" } }', MODEL_SERVER_CONFIG_SCHEMA, 'models.config');
 */
export function parseTextProto(text: string, schema: TextMessageSchema, source = '<text>'): Record<string, unknown> {
  const fail = (line: number, col: number, msg: string): never => {
    throw new TextProtoSyntaxError(source, line, col, msg, schema.name);
  };
  const tokens = tokenize(text, fail);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const next = () => tokens[pos++]!;
  const failAt = (t: Token, msg: string): never => fail(t.line, t.col, msg);
  const tryConsume = (s: string) => {
    if (peek().type !== 'symbol' || peek().text !== s) return false;
    pos++;
    return true;
  };
  const expect = (s: string) => {
    const t = next();
    if (t.type !== 'symbol' || t.text !== s) failAt(t, `Expected "${s}", found "${t.text}".`);
  };

  const scalar = (kind: TextFieldSchema['kind'], field: TextFieldSchema): unknown => {
    const start = peek();
    if (kind === 'string') {
      if (start.type !== 'string') failAt(start, `Expected string, got: ${start.text}`);
      let value = '';
      while (peek().type === 'string') value += next().value;
      return value;
    }
    const negative = tryConsume('-');
    const t = next();
    if (kind === 'bool') {
      const v = BOOLS.get(t.text);
      if (negative || v === undefined) failAt(t, `Invalid value for boolean field "${t.text}". Value: "${t.text}".`);
      return v;
    }
    if (kind === 'enum') {
      if (t.type === 'ident' && field.enumValues?.includes(t.text)) return t.text;
      failAt(t, `Unknown enumeration value of "${t.text}" for field.`);
    }
    if (kind === 'double') {
      if (t.type === 'ident' && /^(inf|infinity|nan)$/i.test(t.text))
        return (negative ? -1 : 1) * (/^n/i.test(t.text) ? Number.NaN : Number.POSITIVE_INFINITY);
      if (t.type !== 'number') failAt(t, `Expected double, got: ${t.text}`);
      return (negative ? -1 : 1) * Number(t.text.replace(/[fF]$/, ''));
    }
    if (t.type !== 'number' || !/^(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text)) failAt(t, `Expected integer, got: ${t.text}`);
    const big = BigInt(/^0\d/.test(t.text) ? `0o${t.text.slice(1)}` : t.text) * (negative ? -1n : 1n);
    const [lo, hi] =
      kind === 'int32'
        ? [-(2n ** 31n), 2n ** 31n - 1n]
        : kind === 'uint32'
          ? [0n, 2n ** 32n - 1n]
          : [-(2n ** 53n) + 1n, 2n ** 53n - 1n];
    if (big < lo || big > hi) failAt(start, `Integer out of range (${negative ? '-' : ''}${t.text})`);
    return Number(big);
  };

  const message = (ms: TextMessageSchema, close?: string): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    const seenOneof = new Map<string, string>();
    for (;;) {
      if (close ? tryConsume(close) : peek().type === 'end') return obj;
      const nameTok = next();
      if (nameTok.type === 'end') failAt(nameTok, `Expected "${close}", found "".`);
      if (nameTok.type === 'symbol' && nameTok.text === '[')
        failAt(nameTok, 'Extensions and Any fields are not supported here.');
      if (nameTok.type !== 'ident') failAt(nameTok, `Expected identifier, got: ${nameTok.text}`);
      const field = Object.hasOwn(ms.fields, nameTok.text) ? ms.fields[nameTok.text] : undefined;
      if (!field) failAt(nameTok, `Message type "${ms.name}" has no field named "${nameTok.text}".`);
      const key = nameTok.text.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
      if (field!.oneof) {
        const other = seenOneof.get(field!.oneof);
        if (other && other !== nameTok.text) {
          failAt(
            nameTok,
            `Field "${nameTok.text}" is specified along with field "${other}", another member of oneof "${field!.oneof}".`,
          );
        }
        seenOneof.set(field!.oneof, nameTok.text);
      }
      const many = field!.repeated || field!.kind === 'map';
      if (!many && key in obj) failAt(nameTok, `Non-repeated field "${nameTok.text}" is specified multiple times.`);
      const isMessage = field!.kind === 'message' || field!.kind === 'map';
      if (!isMessage) expect(':');
      else tryConsume(':');
      const one = (): unknown => {
        if (!isMessage) return scalar(field!.kind, field!);
        const open = next();
        if (open.type !== 'symbol' || (open.text !== '{' && open.text !== '<'))
          failAt(open, `Expected "{", found "${open.text}".`);
        return message(
          field!.kind === 'map' ? mapEntrySchema(ms, nameTok.text, field!) : field!.message!,
          open.text === '{' ? '}' : '>',
        );
      };
      const values: unknown[] = [];
      if (tryConsume('[')) {
        if (!many) failAt(nameTok, `Non-repeated field "${nameTok.text}" cannot be a list.`);
        if (!tryConsume(']')) {
          do values.push(one());
          while (tryConsume(','));
          expect(']');
        }
      } else values.push(one());
      if (field!.kind === 'map') {
        const map = (obj[key] ?? {}) as Record<string, unknown>;
        for (const e of values as Array<{ key?: unknown; value?: unknown }>) map[String(e.key ?? '')] = e.value ?? 0;
        obj[key] = map;
      } else if (many) obj[key] = [...((obj[key] as unknown[] | undefined) ?? []), ...values];
      else obj[key] = values[0];
      if (!tryConsume(',')) tryConsume(';');
    }
  };
  return message(schema);
}

function mapEntrySchema(parent: TextMessageSchema, name: string, field: TextFieldSchema): TextMessageSchema {
  const value: TextFieldSchema = field.message
    ? { kind: 'message', message: field.message }
    : { kind: field.mapValue ?? 'string' };
  return { name: `${parent.name}.${name}Entry`, fields: { key: { kind: 'string' }, value } };
}
