import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type BundleTensor,
  type BundleTensorInput,
  isTfscaleError,
  readTensorBundle,
  writeTensorBundle,
} from '@tfscale/sdk';
import { interopPython } from './support/python';

const repo = path.resolve(__dirname, '..', '..');
// Set in before() from interopPython(); the suite skips (never in CI) when there is none.
let python = '';
const script = path.join(repo, 'test', 'interop', 'tensor_bundle.py');

/** A tensor as tensor_bundle.py reports it: little-endian bytes (or each string's bytes) in hex. */
interface JsonTensor {
  dtype: string;
  shape: number[];
  hex?: string;
  strings?: string[];
}
type Reading =
  | { tensors: Record<string, JsonTensor>; restored: Record<string, JsonTensor> }
  | { error: [string, string] };

function toJson(t: BundleTensorInput | BundleTensor): JsonTensor {
  const out = { dtype: t.dtype, shape: [...t.shape] };
  if (t.dtype === 'string') {
    return {
      ...out,
      strings: Array.from(t.data as ArrayLike<string | Uint8Array>, (s) => Buffer.from(s).toString('hex')),
    };
  }
  const view = t.data as ArrayBufferView;
  return { ...out, hex: Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex') };
}

function runPython(args: string[]): void {
  const r = spawnSync(python, [script, ...args], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(
    r.status,
    0,
    `tensor_bundle.py ${args[0]} failed (${r.error?.message ?? r.signal ?? r.status}):\n${r.stderr}`,
  );
}

/** Every dtype and rank the brief names, with values whose bits must survive (NaN, -0, int64 extremes). */
const OURS: BundleTensorInput[] = [
  { name: 'scalar/f32', dtype: 'float32', shape: [], data: new Float32Array([-0]) },
  { name: 'vector/f32', dtype: 'float32', shape: [5], data: new Float32Array([Number.NaN, 1.5, -2, 1e-45, 3e38]) },
  { name: 'matrix/i32', dtype: 'int32', shape: [2, 3], data: new Int32Array([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 42]) },
  {
    name: 'conv/kernel',
    dtype: 'float32',
    shape: [2, 3, 2, 2],
    data: Float32Array.from({ length: 24 }, (_, i) => Math.fround(Math.sin(i) * 10)),
  },
  { name: 'empty/f32', dtype: 'float32', shape: [0, 4], data: new Float32Array(0) },
  { name: 'step', dtype: 'int64', shape: [], data: new BigInt64Array([2n ** 53n + 1n]) },
  { name: 'ids/i64', dtype: 'int64', shape: [3], data: new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n]) },
  { name: 'mask', dtype: 'bool', shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
  { name: 'flag', dtype: 'bool', shape: [], data: new Uint8Array([1]) },
  { name: 'empty/bool', dtype: 'bool', shape: [0], data: new Uint8Array(0) },
  { name: 'rate/f64', dtype: 'float64', shape: [2], data: new Float64Array([0.1, -Number.MAX_VALUE]) },
  { name: 'vocab', dtype: 'string', shape: [4], data: ['a', '', 'héllo', Buffer.from([0xff, 0, 0x80])] },
  { name: 'scalar/str', dtype: 'string', shape: [], data: [Buffer.from([0x61, 0])] },
  { name: 'émoji/🙂', dtype: 'int32', shape: [1], data: new Int32Array([7]) },
];

/** Thousands of tensors with long distinct keys, saved out of key order: a multi-block index. */
function bigSpec(): BundleTensorInput[] {
  const n = 6000;
  const tail = 'x'.repeat(60);
  return Array.from({ length: n }, (_, i): BundleTensorInput => {
    const name = `${String((i * 7919) % n).padStart(4, '0')}/${tail}/${['kernel', 'bias', 'é'][i % 3]}`;
    switch (i % 4) {
      case 0:
        return { name, dtype: 'float32', shape: [2], data: new Float32Array([i, -i / 3]) };
      case 1:
        return { name, dtype: 'int64', shape: [], data: new BigInt64Array([BigInt(i) * 1_000_003n]) };
      case 2:
        return { name, dtype: 'string', shape: [1], data: [`s${i}`] };
      default:
        return { name, dtype: 'bool', shape: [1, 1], data: new Uint8Array([i % 2]) };
    }
  });
}

describe('TensorBundle checkpoints read and written by TensorFlow 2.21 (interop)', function () {
  this.timeout(600_000);
  let dir: string;
  let report: Record<string, Reading>;
  const at = (...parts: string[]) => path.join(dir, ...parts);

  before(async function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    python = found.path;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-bundle-interop-'));
    fs.writeFileSync(at('spec.json'), JSON.stringify(bigSpec().map((t) => ({ name: t.name, ...toJson(t) }))));
    runPython(['write', dir, at('spec.json')]);

    await writeTensorBundle(at('ours', 'ckpt'), OURS);
    await writeTensorBundle(at('ours-big', 'bundle'), bigSpec());
    for (const [name, file, byte] of [
      ['bad-data', 'ckpt.data-00000-of-00001', 9],
      ['bad-index', 'ckpt.index', 30],
    ] as const) {
      fs.cpSync(at('ours'), at(name), { recursive: true });
      const bytes = fs.readFileSync(at(name, file));
      bytes[byte] = bytes[byte]! ^ 0x10;
      fs.writeFileSync(at(name, file), bytes);
    }
    const prefixes = ['ours', 'tf-ckpt', 'bad-data', 'bad-index'].map((d) => at(d, 'ckpt'));
    runPython(['read', at('report.json'), ...prefixes, at('keras', 'variables', 'variables')]);
    report = JSON.parse(fs.readFileSync(at('report.json'), 'utf8')) as Record<string, Reading>;
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const reading = (prefix: string) => {
    const r = report[prefix]!;
    assert.ok(!('error' in r), `TensorFlow could not read ${prefix}: ${'error' in r ? r.error.join(': ') : ''}`);
    return r;
  };

  it('tf.train.load_checkpoint returns exactly our names, dtypes, shapes and bits', () => {
    const expected = Object.fromEntries(OURS.map((t) => [t.name, toJson(t)]));
    assert.deepEqual(reading(at('ours', 'ckpt')).tensors, expected);
  });

  it('tf.raw_ops.RestoreV2 restores every tensor we wrote', () => {
    const expected = Object.fromEntries(OURS.map((t) => [t.name, toJson(t)]));
    assert.deepEqual(reading(at('ours', 'ckpt')).restored, expected);
  });

  it('writes the same bytes as SaveV2 for 6000 tensors saved out of order (multi-block index)', () => {
    for (const file of ['bundle.index', 'bundle.data-00000-of-00001']) {
      const theirs = fs.readFileSync(at('savev2', file));
      assert.ok(theirs.length > (file.endsWith('index') ? 262_144 : 0));
      assert.ok(fs.readFileSync(at('ours-big', file)).equals(theirs), `${file} differs from TensorFlow's`);
    }
  });

  it('reads a tf.train.Checkpoint exactly as TensorFlow does (object graph included)', async () => {
    const ours = await readTensorBundle(at('tf-ckpt', 'ckpt'));
    const theirs = reading(at('tf-ckpt', 'ckpt')).tensors;
    assert.deepEqual(Object.fromEntries(ours.map((t) => [t.name, toJson(t)])), theirs);
    assert.ok('kernel/.ATTRIBUTES/VARIABLE_VALUE' in theirs && '_CHECKPOINTABLE_OBJECT_GRAPH' in theirs);
  });

  it('reads the variables of a Keras model.export() SavedModel exactly as TensorFlow does', async () => {
    const prefix = at('keras', 'variables', 'variables');
    const ours = await readTensorBundle(prefix);
    const theirs = reading(prefix).tensors;
    assert.deepEqual(Object.fromEntries(ours.map((t) => [t.name, toJson(t)])), theirs);
    assert.ok(ours.some((t) => t.dtype === 'float32' && t.shape.join() === '4,3'));
  });

  it('detects a flipped data byte and a flipped index byte, as TensorFlow does', async () => {
    const cases = [
      ['bad-data', /Checksum does not match/, /Tensor "vector\/f32" .*fails the CRC check/],
      ['bad-index', /block checksum mismatch/, /data at byte 0 block checksum mismatch/],
    ] as const;
    for (const [name, theirMessage, ourMessage] of cases) {
      const tf = report[at(name, 'ckpt')]!;
      assert.ok('error' in tf, `TensorFlow read the corrupted ${name} bundle without complaint`);
      assert.match(tf.error[1], theirMessage);
      await assert.rejects(
        readTensorBundle(at(name, 'ckpt')),
        (err) => isTfscaleError(err, 'TFSCALE_E_BUNDLE_CORRUPT') && ourMessage.test(err.message),
      );
    }
  });
});
