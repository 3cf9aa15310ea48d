/**
 * ExampleGen: ingests CSV, JSON Lines or TFRecord (tf.Example) files into an Examples artifact
 * split by hash buckets, as TFX does (default train:eval = 2:1 by a hash of the serialized
 * record, so a record always lands in the same split). `{SPAN}` in the input path picks the
 * newest span; `version` counts changed inputs within a span.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { invalidValue, TfscaleError } from '../../core/errors';
import type { ExampleRecord, FeatureValue } from '../../formats/tf-example';
import { encodeTfExample } from '../../formats/tf-example';
import { readTfRecordFile } from '../../formats/tfrecord';
import { defineComponent } from '../component';
import { SplitWriter, splitFile } from '../examples-io';
import { fingerprintPath } from '../fingerprint';

/**
 * ExampleGen's parameters.
 * @example
 *   const p: ExampleGenParams = { input: 'data/iris.csv', splits: [{ name: 'train', hashBuckets: 2 }, { name: 'eval', hashBuckets: 1 }] };
 */
export interface ExampleGenParams {
  /** A file; `{SPAN}` in its name matches digits and selects the highest span. */
  input: string;
  /** Default: from the extension (.csv, .jsonl/.json, .tfrecord/.tfr). */
  format?: 'csv' | 'jsonl' | 'tfrecord';
  splits?: Array<{ name: string; hashBuckets: number }>;
  delimiter?: string;
}

const DEFAULT_SPLITS = [
  { name: 'train', hashBuckets: 2 },
  { name: 'eval', hashBuckets: 1 },
];

type Row = Record<string, unknown>;

/**
 * Makes an ExampleGen node: no inputs, output `examples` (Examples).
 * @example
 *   const gen = ExampleGen({}, { input: 'data/iris.csv' });
 */
export const ExampleGen = defineComponent<ExampleGenParams>({
  type: 'ExampleGen',
  inputs: {},
  outputs: { examples: 'Examples' },
  async externalFingerprint(params, baseDir) {
    const { file, span } = await resolveInput(params.input, baseDir);
    return `${span}:${await fingerprintPath(file)}`;
  },
  async run(ctx) {
    const { params, outputs } = ctx;
    const { file, span } = await resolveInput(params.input, ctx.baseDir);
    const splits = params.splits ?? DEFAULT_SPLITS;
    const total = splits.reduce((s, x) => s + x.hashBuckets, 0);
    if (!splits.length || splits.some((s) => !(Number.isInteger(s.hashBuckets) && s.hashBuckets > 0))) {
      throw invalidValue('splits', splits, 'a non-empty list of { name, hashBuckets } with positive integer buckets');
    }
    const format = params.format ?? formatOf(file);
    const out = outputs.examples!;
    const writer = new SplitWriter(out.uri);
    const place = async (bytes: Uint8Array) => {
      // First 8 bytes of SHA-256 as the fingerprint (TFX uses farmhash's; any stable hash splits alike).
      const h = createHash('sha256').update(bytes).digest().readBigUInt64BE(0);
      let bucket = Number(h % BigInt(total));
      for (const s of splits) {
        if (bucket < s.hashBuckets) return writer.write(s.name, bytes);
        bucket -= s.hashBuckets;
      }
    };
    if (format === 'tfrecord') {
      for await (const record of readTfRecordFile(file)) await place(record);
    } else {
      const kinds = new Map<string, FeatureValue['kind']>();
      for await (const row of readRows(file, format, params.delimiter)) inferKinds(row, kinds);
      for await (const row of readRows(file, format, params.delimiter))
        await place(encodeTfExample(toExample(row, kinds)));
    }
    const counts = await writer.close();
    for (const s of splits) {
      const f = splitFile(out.uri, s.name);
      await fs.mkdir(path.dirname(f), { recursive: true });
      if (!(s.name in counts)) await fs.writeFile(f, '');
    }
    const inputFingerprint = await fingerprintPath(file);
    const previous = ctx.store.latestArtifact(
      'Examples',
      (a) => a.properties.span === span && a.properties.source === path.resolve(file),
    );
    const version =
      previous === undefined
        ? 0
        : previous.properties.input_fingerprint === inputFingerprint
          ? Number(previous.properties.version)
          : Number(previous.properties.version) + 1;
    out.properties = {
      split_names: splits.map((s) => s.name),
      counts: Object.fromEntries(splits.map((s) => [s.name, counts[s.name] ?? 0])),
      span,
      version,
      source: path.resolve(file),
      input_fingerprint: inputFingerprint,
      format,
    };
    ctx.logger.info(
      `[ExampleGen] ${file}: ${JSON.stringify(out.properties.counts)} (span ${span}, version ${version})`,
    );
  },
});

async function resolveInput(input: string, baseDir: string): Promise<{ file: string; span: number }> {
  const abs = path.resolve(baseDir, input);
  if (!abs.includes('{SPAN}')) {
    if (!(await fs.stat(abs).catch(() => undefined))) {
      throw new TfscaleError('TFSCALE_E_CONFIG_NOT_FOUND', `ExampleGen input not found: ${abs}`);
    }
    return { file: abs, span: 0 };
  }
  const dir = path.dirname(abs);
  const pattern = new RegExp(`^${escapeRegExp(path.basename(abs)).replace('\\{SPAN\\}', '(\\d+)')}$`);
  const spans = (await fs.readdir(dir).catch(() => [] as string[]))
    .map((name) => ({ name, m: pattern.exec(name) }))
    .filter((x) => x.m)
    .map((x) => ({ file: path.join(dir, x.name), span: Number(x.m![1]) }))
    .sort((a, b) => b.span - a.span);
  if (!spans.length) throw new TfscaleError('TFSCALE_E_CONFIG_NOT_FOUND', `No file matches ExampleGen input ${abs}`);
  return spans[0]!;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function formatOf(file: string): 'csv' | 'jsonl' | 'tfrecord' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tfrecord' || ext === '.tfr' || ext === '.tfrecords') return 'tfrecord';
  throw invalidValue('format', ext, "'csv', 'jsonl' or 'tfrecord' (or a .csv/.jsonl/.tfrecord file)");
}

async function* readRows(file: string, format: 'csv' | 'jsonl', delimiter?: string): AsyncGenerator<Row> {
  if (format === 'csv') {
    const parser = createReadStream(file).pipe(parse({ columns: true, delimiter: delimiter ?? ',', trim: true }));
    for await (const row of parser) yield row as Row;
    return;
  }
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line) as Row;
    } catch {
      throw invalidValue(`${path.basename(file)} line ${n}`, line.slice(0, 80), 'one JSON object per line');
    }
  }
}

function cellValues(v: unknown): Array<string | number> {
  if (v === null || v === undefined || v === '') return [];
  if (Array.isArray(v)) return v.flatMap(cellValues);
  if (typeof v === 'number' || typeof v === 'string') return [v];
  if (typeof v === 'boolean') return [v ? 1 : 0];
  return [JSON.stringify(v)];
}

function isNumeric(v: string | number): boolean {
  return typeof v === 'number' || (v.trim() !== '' && Number.isFinite(Number(v)));
}

/** int64 when every value is an integer, float when numeric, bytes otherwise. */
function inferKinds(row: Row, kinds: Map<string, FeatureValue['kind']>): void {
  for (const [name, raw] of Object.entries(row)) {
    const values = cellValues(raw);
    if (!values.length) {
      if (!kinds.has(name)) kinds.set(name, 'int64');
      continue;
    }
    let kind = kinds.get(name) ?? 'int64';
    for (const v of values) {
      if (!isNumeric(v)) kind = 'bytes';
      else if (kind === 'int64' && !Number.isInteger(Number(v))) kind = 'float';
    }
    kinds.set(name, kind);
  }
}

function toExample(row: Row, kinds: Map<string, FeatureValue['kind']>): ExampleRecord {
  const out: ExampleRecord = {};
  for (const [name, kind] of kinds) {
    const values = cellValues(row[name]);
    if (!values.length) continue; // missing: the feature is absent, as tf.Example encodes it
    if (kind === 'bytes') out[name] = { kind, values: values.map((v) => Buffer.from(String(v), 'utf8')) };
    else out[name] = { kind, values: values.map(Number) };
  }
  return out;
}
