import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  createSdkContainer,
  exportModel,
  type RunningModelServer,
  servingRuntimeRegistry,
  silentLogger,
  singleModelConfig,
  startModelServer,
} from '@tfscale/sdk';
import {
  applyTransform,
  decodeTfExample,
  type ExampleRecord,
  encodeTfExample,
  type FittedFeature,
  hashBucket,
  rawInputDType,
  type TransformFn,
  transformServingInput,
} from '@tfscale/sdk/pipeline';
import { interopPython } from './support/python';

// Strings that cross every FarmHash length branch (0, 1–3, 4–7, 8–16, 17–32, 33–64, > 64 bytes).
const LONG = 'The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! ';
const HASHED = [
  '',
  'a',
  'ab',
  'abcd',
  'setosa',
  'Iris-virginica',
  '0123456789abcdefg',
  'héllo wörld ✓ 日本語',
  '🦊'.repeat(40),
  ...Array.from({ length: 301 }, (_, n) => LONG.repeat(4).slice(0, n)),
];

// One fitted feature per op (the values a Transform fit would produce: float64 statistics,
// quantile boundaries that are not float32 numbers).
const FEATURES: FittedFeature[] = [
  { name: 'length', op: 'zscore', mean: 5.843333333333334, std: 0.8253012917851409 },
  { name: 'width', op: 'minmax', min: 2.0, max: 4.4 },
  { name: 'petal', op: 'bucketize', boundaries: [1.5, 4.35, 5.1, 6.000000000000001] },
  { name: 'color', op: 'vocabulary', vocabulary: ['red', 'green', 'blü', ''], numOovBuckets: 3 },
  { name: 'size', op: 'vocabulary', vocabulary: ['S', 'M', 'L'], numOovBuckets: 0 },
  { name: 'city', op: 'hash', hashBuckets: 7 },
];
const FN: TransformFn = { features: FEATURES, outputDim: 1 + 1 + 5 + 7 + 3 + 7 };

/** Raw rows, as JSON instances: boundaries hit exactly, out-of-range, out-of-vocabulary, UTF-8, empty. */
function rawRows(): Array<Record<string, number | string>> {
  const colors = ['red', 'green', 'blü', '', 'purple', 'RED', '日本', 'blue ', 'ü'];
  const sizes = ['S', 'M', 'L', 'XL', ''];
  const petals = [1.5, 4.35, 5.1, 6.000000000000001, 6, 0, -3.5, 1.5999, 100, 4.3500004];
  return Array.from({ length: 40 }, (_, i) => ({
    length: [5.1, 4.9, 7.7, 5.843333333333334, 0, -1e3][i % 6]!,
    width: [2.0, 4.4, 3.1, 1.0, 9.25][i % 5]!,
    petal: petals[i % petals.length]!,
    color: colors[i % colors.length]!,
    size: sizes[i % sizes.length]!,
    city: HASHED[(i * 7) % HASHED.length]!,
  }));
}

/** A row as the tf.Example the Trainer reads (floats become float32, as on disk). */
function asExample(row: Record<string, number | string>): ExampleRecord {
  const ex: ExampleRecord = {};
  for (const f of FEATURES) {
    const v = row[f.name]!;
    ex[f.name] =
      rawInputDType(f) === 'string'
        ? { kind: 'bytes', values: [Buffer.from(String(v), 'utf8')] }
        : { kind: 'float', values: [Number(v)] };
  }
  return decodeTfExample(encodeTfExample(ex));
}

/** Outputs: `transformed` (an identity Dense: the model input itself) and `probs` (a small classifier). */
function makeModel(): tf.LayersModel {
  const input = tf.input({ shape: [FN.outputDim], name: 'features' });
  const identity = tf.layers.dense({
    units: FN.outputDim,
    name: 'transformed',
    weights: [tf.eye(FN.outputDim), tf.zeros([FN.outputDim])],
  });
  const hidden = tf.layers.dense({
    units: 8,
    activation: 'relu',
    name: 'hidden',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
  });
  const probs = tf.layers.dense({
    units: 3,
    activation: 'softmax',
    name: 'probs',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
  });
  const out1 = identity.apply(input) as tf.SymbolicTensor;
  const out2 = probs.apply(hidden.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [out1, out2] });
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function assertExact(what: string, got: number[][], want: number[][]): void {
  assert.equal(got.length, want.length, what);
  for (const [i, row] of want.entries()) {
    assert.equal(got[i]!.length, row.length, `${what} row ${i}`);
    // 0 and -0 are the same transform output.
    for (const [j, v] of row.entries())
      assert.ok(got[i]![j] === v, `${what} row ${i} col ${j}: ${got[i]![j]} !== ${v}`);
  }
}

function assertClose(what: string, got: number[][], want: number[][]): void {
  for (const [i, row] of want.entries()) {
    for (const [j, v] of row.entries())
      assert.ok(Math.abs(got[i]![j]! - v) <= 1e-6, `${what} [${i}][${j}] ${got[i]![j]} vs ${v}`);
  }
}

describe('pipeline Transform in the serving graph (raw features in, same answers as applyTransform)', function () {
  this.timeout(180_000);
  let python = '';
  let tmp = '';
  let server: RunningModelServer | undefined;
  const rows = rawRows();
  let transformed: number[][] = [];
  let probs: number[][] = [];
  let base = '';

  before(async function () {
    const p = interopPython();
    if (!p.path) this.skip();
    python = p.path!;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-pipeline-transform-'));
    const model = makeModel();
    const x = tf.tensor2d(rows.map((r) => applyTransform(FN, asExample(r))));
    const [t, p2] = model.predict(x) as tf.Tensor[];
    transformed = (await t!.array()) as number[][];
    probs = (await p2!.array()) as number[][];
    base = path.join(tmp, 'serving');
    await exportModel(createSdkContainer(), model, {
      formats: ['savedmodel'],
      base,
      version: 1,
      exporterOptions: { savedmodel: { servingInput: transformServingInput(FN) } },
    });
  });
  after(async () => {
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('hash buckets equal tf.strings.to_hash_bucket_fast (FarmHash Fingerprint64), UTF-8 and empty strings included', () => {
    const file = path.join(tmp, 'hashed.json');
    fs.writeFileSync(file, JSON.stringify(HASHED));
    const r = spawnSync(
      python,
      [
        '-c',
        'import json,sys,tensorflow as tf; s=json.load(open(sys.argv[1]))\n' +
          'print(json.dumps({str(n): tf.strings.to_hash_bucket_fast(s, n).numpy().tolist() for n in (1, 7, 1000003, 2**31 - 1)}))',
        file,
      ],
      { encoding: 'utf8', maxBuffer: 16 << 20 },
    );
    assert.equal(r.status, 0, r.stderr);
    const tfBuckets = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number[]>;
    for (const [n, buckets] of Object.entries(tfBuckets)) {
      assert.deepEqual(
        HASHED.map((s) => hashBucket(s, Number(n))),
        buckets,
        `num_buckets ${n}`,
      );
    }
    assert.equal(Object.keys(tfBuckets).length, 4);
  });

  it('tfscale serve (savedmodel runtime) answers REST instances of raw named features exactly as the model on applyTransform(raw)', async () => {
    server = await startModelServer({
      config: singleModelConfig('t', base),
      runtimes: servingRuntimeRegistry(createSdkContainer()),
      host: '127.0.0.1',
      restApiPort: await freePort(),
      grpcPort: 0,
      logger: silentLogger,
    });
    const url = `http://127.0.0.1:${server.rest!.port}/v1/models/t`;
    const meta = (await (await fetch(`${url}/metadata`)).json()) as {
      metadata: { signature_def: { signature_def: Record<string, { inputs: Record<string, { dtype: string }> }> } };
    };
    const inputs = meta.metadata.signature_def.signature_def.serving_default!.inputs;
    assert.deepEqual(
      Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.dtype])),
      Object.fromEntries(FEATURES.map((f) => [f.name, rawInputDType(f) === 'string' ? 'DT_STRING' : 'DT_FLOAT'])),
    );
    const res = await fetch(`${url}:predict`, { method: 'POST', body: JSON.stringify({ instances: rows }) });
    const body = (await res.json()) as { predictions: Array<{ transformed: number[]; probs: number[] }> };
    assert.equal(res.status, 200, JSON.stringify(body));
    // JSON carries float32 in 9 significant digits, which round-trip: compare as float32.
    assertExact(
      'served transform',
      body.predictions.map((p) => p.transformed.map(Math.fround)),
      transformed,
    );
    assertClose(
      'served model',
      body.predictions.map((p) => p.probs),
      probs,
    );
  });

  it('Python TensorFlow 2.21 loads the SavedModel (tf.saved_model.load) and gives the same outputs on the same raw inputs', () => {
    const file = path.join(tmp, 'rows.json');
    fs.writeFileSync(file, JSON.stringify(rows));
    const code = [
      'import json, sys, tensorflow as tf',
      'rows = json.load(open(sys.argv[1]))',
      'f = tf.saved_model.load(sys.argv[2]).signatures["serving_default"]',
      'kinds = {k: v.dtype for k, v in f.structured_input_signature[1].items()}',
      'feeds = {k: tf.constant([r[k] for r in rows], dtype=d) for k, d in kinds.items()}',
      'out = f(**feeds)',
      'print(json.dumps({k: v.numpy().tolist() for k, v in out.items()}))',
    ].join('\n');
    const r = spawnSync(python, ['-c', code, file, path.join(base, '1')], { encoding: 'utf8', maxBuffer: 16 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number[][]>;
    assertExact('TF transform', out.transformed!, transformed);
    assertClose('TF model', out.probs!, probs);
  });
});
