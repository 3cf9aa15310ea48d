import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { isTfscaleError } from '../../core/errors';
import { fromJsonl } from './jsonl-data';
import type { EpochOptions, TrainingData } from './training-data';

const tf = loadTf();

async function collect(
  data: TrainingData,
  epoch: number,
  options: EpochOptions,
): Promise<{ x: number[][]; y: number[][] }[]> {
  const out: { x: number[][]; y: number[][] }[] = [];
  for await (const batch of data.batches(epoch, options)) {
    out.push({ x: (batch.xs as Tensor).arraySync() as number[][], y: (batch.ys as Tensor).arraySync() as number[][] });
    tf.dispose([batch.xs, batch.ys] as Tensor[]);
  }
  return out;
}

describe('training/data/jsonl-data', () => {
  let dir: string;
  const write = (name: string, lines: string[]): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-jsonl-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads one object per line; arrays flatten into the feature row; class names one-hot', async () => {
    const file = write('pets.jsonl', [
      '{"size": 1, "pixels": [[1, 2], [3, 4]], "ok": true, "kind": "dog"}',
      '',
      '{"kind": "cat", "size": 2, "pixels": [[5, 6], [7, 8]], "ok": false}',
    ]);
    const data = fromJsonl(file, { label: 'kind', oneHot: 'auto' });
    const [batch] = await collect(data, 0, { batchSize: 8, shuffle: false, seed: 0 });
    assert.deepEqual(batch!.x, [
      [1, 1, 2, 3, 4, 1],
      [2, 5, 6, 7, 8, 0],
    ]);
    assert.deepEqual(batch!.y, [
      [0, 1],
      [1, 0],
    ]);
    assert.equal(data.size, 2);
  });

  it('is deterministic and streams like CSV above maxInMemoryBytes', async () => {
    const file = write(
      'ids.jsonl',
      Array.from({ length: 120 }, (_, i) => JSON.stringify({ id: i, y: i % 2 })),
    );
    const options = { batchSize: 10, shuffle: true, seed: 2 };
    const ids = (b: { x: number[][] }[]) => b.map((batch) => batch.x.map((r) => r[0]!));
    const memory = ids(await collect(fromJsonl(file, { label: 'y' }), 3, options));
    const streamed = ids(
      await collect(fromJsonl(file, { label: 'y', maxInMemoryBytes: 0, shuffleBuffer: 16 }), 3, options),
    );
    for (const order of [memory, streamed])
      assert.deepEqual(
        order.flat().sort((a, b) => a - b),
        Array.from({ length: 120 }, (_, i) => i),
      );
    assert.deepEqual(ids(await collect(fromJsonl(file, { label: 'y' }), 3, { ...options, skip: 5 })), memory.slice(5));
    assert.deepEqual(
      ids(
        await collect(fromJsonl(file, { label: 'y', maxInMemoryBytes: 0, shuffleBuffer: 16 }), 3, {
          ...options,
          skip: 5,
        }),
      ),
      streamed.slice(5),
    );
  });

  it('names file and line for bad lines, missing keys and non-numeric values', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['{"a": 1, "y": 0}', '{"a": 1, "y": 0'],
        /bad\.jsonl:2\. Received: "\{\\"a\\": 1, \\"y\\": 0"\. Expected: one JSON object per line/,
      ],
      [['{"a": 1, "y": 0}', '[1, 0]'], /bad\.jsonl:2\. Received: \[1,0\]\. Expected: a JSON object/],
      [
        ['{"a": 1, "y": 0}', '{"y": 1}'],
        /bad\.jsonl:2, key `a`\. Received: null\. Expected: a number \(the value is missing\)/,
      ],
      [
        ['{"a": [1, 2], "y": 0}', '{"a": [1], "y": 1}'],
        /bad\.jsonl:2, key `a`\. Received: 1 numbers\. Expected: 2 numbers, as in the first row/,
      ],
      [['{"a": "x", "y": 0}'], /bad\.jsonl:1, key `a`\. Received: "x"\. Expected: a number/],
      [['{"a": 1, "yy": 0}'], /Invalid value for `label`\. Received: label="y"/],
    ];
    for (const [lines, pattern] of cases) {
      const data = fromJsonl(write('bad.jsonl', lines), { label: 'y' });
      await assert.rejects(
        data.ready!(),
        (err: unknown) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && pattern.test((err as Error).message),
      );
    }
  });
});
