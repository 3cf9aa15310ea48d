import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { isTfscaleError } from '../../core/errors';
import { fromCsv } from './csv-data';
import type { EpochOptions, TrainingData } from './training-data';

const tf = loadTf();
const DIGITS = path.resolve(__dirname, '../../../../../examples/data/digits/digits.csv');

/** Rows of x and y of every batch, tensors disposed. */
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

const idsOf = (batches: { x: number[][] }[]): number[][] => batches.map((b) => b.x.map((row) => row[0]!));

async function rejects(data: TrainingData, pattern: RegExp): Promise<void> {
  await assert.rejects(data.ready!(), (err: unknown) => {
    assert.ok(isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'), String(err));
    assert.match((err as Error).message, pattern);
    return true;
  });
}

describe('training/data/csv-data', () => {
  let dir: string;
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  // id, 2·id, id mod 3, label = id mod 4
  const rows = (n: number): string =>
    ['id,a,b,label', ...Array.from({ length: n }, (_, i) => `${i},${2 * i},${i % 3},${i % 4}`)].join('\n');

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-csv-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the digits data set: 1797 samples of 64 pixels, one-hot labels', async () => {
    const data = fromCsv(DIGITS, { label: 'label', oneHot: 'auto' });
    assert.equal(data.size, undefined, 'unknown until loaded');
    await data.ready!();
    assert.equal(data.size, 1797);
    const [first] = await collect(data, 0, { batchSize: 2, shuffle: false, seed: 0 });
    const line2 = fs.readFileSync(DIGITS, 'utf8').split('\n')[1]!.split(',').map(Number);
    assert.deepEqual(first!.x[0], line2.slice(0, 64));
    assert.equal(first!.y[0]!.length, 10);
    assert.equal(first!.y[0]!.indexOf(1), line2[64]);
    data.dispose?.();
  });

  it('maps class names to sorted indices, or one-hot rows', async () => {
    const file = write('iris.csv', 'x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n');
    const indices = await collect(fromCsv(file, { label: 'species' }), 0, { batchSize: 4, shuffle: false, seed: 0 });
    assert.deepEqual(indices[0]!.y, [[2], [0], [1], [0]]);
    const oneHot = await collect(fromCsv(file, { label: 'species', oneHot: 'auto' }), 0, {
      batchSize: 1,
      shuffle: false,
      seed: 0,
    });
    assert.deepEqual(oneHot[0]!.y, [[0, 0, 1]]);
  });

  it('reads CRLF line ends and quoted fields', async () => {
    const file = write('crlf.csv', 'a,"b, quoted",y\r\n1,"2",0\r\n3,4,1\r\n');
    const [batch] = await collect(fromCsv(file, { label: 'y' }), 0, { batchSize: 2, shuffle: false, seed: 0 });
    assert.deepEqual(batch, {
      x: [
        [1, 2],
        [3, 4],
      ],
      y: [[0], [1]],
    });
  });

  it('selects features in the given order; several labels make one target row; header: false; delimiter', async () => {
    const file = write('rows.csv', rows(5));
    const picked = await collect(fromCsv(file, { label: ['label', 'a'], features: ['b', 'id'] }), 0, {
      batchSize: 5,
      shuffle: false,
      seed: 0,
    });
    assert.deepEqual(picked[0]!.x[4], [1, 4]);
    assert.deepEqual(picked[0]!.y[4], [0, 8]);
    const bare = write('bare.csv', '1;2;0\n3;4;1\n');
    const noHeader = await collect(fromCsv(bare, { label: '2', header: false, delimiter: ';' }), 0, {
      batchSize: 2,
      shuffle: false,
      seed: 0,
    });
    assert.deepEqual(noHeader[0], {
      x: [
        [1, 2],
        [3, 4],
      ],
      y: [[0], [1]],
    });
  });

  it('names file, line and column for bad values, and suggests label names', async () => {
    await rejects(
      fromCsv(write('text.csv', 'a,b,y\n1,2,0\n3,abc,1\n'), { label: 'y' }),
      /text\.csv:3, column 2 \(`b`\)\. Received: "abc"\. Expected: a number/,
    );
    await rejects(
      fromCsv(write('gap.csv', 'a,b,y\n1,,0\n'), { label: 'y' }),
      /gap\.csv:2, column 2 .*the value is missing/,
    );
    await rejects(
      fromCsv(write('ragged.csv', 'a,b,y\n1,2,0\n1,2\n'), { label: 'y' }),
      /ragged\.csv:3\. Received: 2 fields\. Expected: 3 fields, as in the header/,
    );
    const missing = fromCsv(DIGITS, { label: 'lable' });
    await rejects(missing, /Invalid value for `label`\. Received: label="lable"[\s\S]*HINT: Did you mean "label"\?/);
    await rejects(
      fromCsv(DIGITS, { label: 'label', oneHot: 5 }),
      /digits\.csv:\d+, column 65 \(`label`\)\. Received: 9\. Expected: a class id below oneHot=5/,
    );
    await rejects(
      fromCsv(write('mixed.csv', 'a,y\n1,cat\n2,3\n'), { label: 'y' }),
      /mixed\.csv:3, column 2 \(`y`\)\. Received: "3"\. Expected: a class name, like line 2/,
    );
    await rejects(fromCsv(path.join(dir, 'nope.csv'), { label: 'y' }), /the file does not exist/);
    await rejects(fromCsv(write('empty.csv', 'a,y\n'), { label: 'y' }), /no data rows/);
    await rejects(fromCsv(write('quote.csv', 'a,y\n1,"2\n'), { label: 'y' }), /quote\.csv:\d+: Quote Not Closed/);
    await rejects(fromCsv(write('twice.csv', 'a,a,y\n1,2,3\n'), { label: 'y' }), /names column "a" twice/);
    // Bad options fail at once, before any file is read.
    assert.throws(() => fromCsv(DIGITS, { label: [] }), /Invalid value for `label`/);
    assert.throws(() => fromCsv(DIGITS, { label: 'label', oneHot: 1 }), /Invalid value for `oneHot`/);
  });

  describe('streaming (files over maxInMemoryBytes)', () => {
    const n = 250;
    let file: string;
    const stream = (): TrainingData =>
      fromCsv(file, { label: 'label', features: ['id', 'a'], maxInMemoryBytes: 100, shuffleBuffer: 32 });
    before(() => {
      file = write('big.csv', rows(n));
    });

    it('holds the same samples as in-memory loading, in file order without shuffle', async () => {
      const inMemory = fromCsv(file, { label: 'label', features: ['id', 'a'] });
      const options = { batchSize: 16, shuffle: false, seed: 0 };
      assert.deepEqual(await collect(stream(), 0, options), await collect(inMemory, 0, options));
      inMemory.dispose?.();
    });

    it('is a seeded buffer shuffle: deterministic per (seed, epoch), every sample once', async () => {
      const data = stream();
      const options = { batchSize: 16, shuffle: true, seed: 4 };
      const epoch2 = idsOf(await collect(data, 2, options));
      assert.equal(data.size, n);
      assert.deepEqual(idsOf(await collect(stream(), 2, options)), epoch2);
      assert.notDeepEqual(idsOf(await collect(data, 3, options)), epoch2);
      assert.deepEqual(
        epoch2.flat().sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
      assert.notDeepEqual(
        epoch2.flat(),
        Array.from({ length: n }, (_, i) => i),
      );
    });

    it('resumes with skip, splits off the last fraction and shards in lockstep', async () => {
      const data = stream();
      const options = { batchSize: 12, shuffle: true, seed: 8 };
      const full = idsOf(await collect(data, 1, options));
      assert.deepEqual(idsOf(await collect(data, 1, { ...options, skip: 7 })), full.slice(7));
      const { train, validation } = data.split(0.2);
      assert.deepEqual(
        idsOf(await collect(validation, 0, { ...options, shuffle: false })).flat(),
        Array.from({ length: 50 }, (_, i) => 200 + i),
      );
      assert.equal(train.size, 200);
      const replicas = await Promise.all(
        [0, 1, 2].map((r) => collect(data.shard(3, r), 1, { ...options, batchSize: 4 })),
      );
      full.forEach((batch, k) => {
        const union = replicas.flatMap((r) => idsOf(r)[k]!);
        assert.deepEqual(
          union.sort((a, b) => a - b),
          [...batch].sort((a, b) => a - b),
          `batch ${k}`,
        );
      });
    });

    it('leaks no tensors, also when stopped early', async () => {
      const before = tf.memory().numTensors;
      for await (const batch of stream().batches(0, { batchSize: 10, shuffle: true, seed: 1 })) {
        tf.dispose([batch.xs, batch.ys] as Tensor[]);
        break;
      }
      await collect(stream(), 0, { batchSize: 10, shuffle: true, seed: 1 });
      assert.equal(tf.memory().numTensors, before);
    });
  });
});
