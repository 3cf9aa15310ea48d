import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import type { ExampleRecord } from '../formats/tf-example';
import { streamSplit } from './components/trainer';
import { SplitWriter } from './examples-io';
import { applyTransform, type TransformFn } from './transform-fn';

const FN: TransformFn = {
  features: [
    { name: 'x', op: 'zscore', mean: 2, std: 4 },
    { name: 'c', op: 'vocabulary', vocabulary: ['a', 'b'], numOovBuckets: 1 },
  ],
  label: { name: 'y', vocabulary: ['no', 'yes'] },
  outputDim: 4,
};

function example(i: number): ExampleRecord {
  const ex: ExampleRecord = {
    x: { kind: 'float', values: [i] },
    c: { kind: 'bytes', values: [Buffer.from(['a', 'b', 'zz'][i % 3]!)] },
  };
  // Every fifth example has no label (the Trainer leaves it out), every seventh an unknown one.
  if (i % 5 !== 0) ex.y = { kind: 'bytes', values: [Buffer.from(i % 7 === 0 ? 'maybe' : i % 2 ? 'yes' : 'no')] };
  return ex;
}

describe('pipeline/Trainer data: the TFRecord split streamed through the transform', () => {
  let dir = '';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-stream-'));
    const w = new SplitWriter(dir);
    for (let i = 0; i < 100; i++) await w.write('train', example(i));
    await w.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('yields every labelled example once per epoch, transformed, in a seeded shuffle that differs by epoch', async () => {
    const examples = { type: 'Examples', uri: dir, properties: { split_names: ['train'] } };
    const data = (await streamSplit(examples, 'train', FN, 16))!;
    const labelled = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 5 !== 0 && i % 7 !== 0);
    assert.equal(data.size, labelled.length);
    const epoch = async (e: number) => {
      const xs: number[][] = [];
      const ys: number[] = [];
      for await (const b of data.batches(e, { batchSize: 8, shuffle: true, seed: 3 })) {
        xs.push(...((await (b.xs as Tensor).array()) as number[][]));
        ys.push(...((await (b.ys as Tensor).data()) as Float32Array));
        (b.xs as Tensor).dispose();
        (b.ys as Tensor).dispose();
      }
      return { xs, ys };
    };
    const e0 = await epoch(0);
    const e1 = await epoch(1);
    // x = (i - 2) / 4 identifies the example: each labelled one exactly once, with its transform and label.
    const ids = (xs: number[][]) => xs.map((x) => x[0]! * 4 + 2);
    assert.deepEqual(
      [...ids(e0.xs)].sort((a, b) => a - b),
      labelled,
    );
    for (const [k, x] of e0.xs.entries()) {
      const i = ids([x])[0]!;
      assert.deepEqual(x, applyTransform(FN, example(i)).map(Math.fround));
      assert.equal(e0.ys[k], i % 2 ? 1 : 0);
    }
    assert.notDeepEqual(ids(e0.xs), ids(e1.xs));
    assert.deepEqual(ids((await epoch(0)).xs), ids(e0.xs));
    data.dispose?.();
  });

  it('is undefined for a split without labelled examples', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-stream-'));
    const w = new SplitWriter(empty);
    await w.write('train', { x: { kind: 'float', values: [1] } });
    await w.close();
    const examples = { type: 'Examples', uri: empty, properties: { split_names: ['train'] } };
    assert.equal(await streamSplit(examples, 'train', FN, 16), undefined);
    fs.rmSync(empty, { recursive: true, force: true });
  });
});
