import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { isTfscaleError } from '../../core/errors';
import { type ExampleRecord, encodeTfExample } from '../../formats/tf-example';
import { encodeTfRecord } from '../../formats/tfrecord';
import { fromArrays } from './array-data';
import { fromCsv } from './csv-data';
import { fromTfrecord } from './tfrecord-data';
import type { EpochOptions, TrainingData } from './training-data';

const tf = loadTf();

async function collect(data: TrainingData, epoch: number, options: EpochOptions): Promise<number[][][]> {
  const out: number[][][] = [];
  for await (const batch of data.batches(epoch, options)) {
    const x = (batch.xs as Tensor).arraySync() as number[][];
    const y = (batch.ys as Tensor).arraySync() as number[][];
    out.push(x.map((row, i) => [...row, ...y[i]!]));
    tf.dispose([batch.xs, batch.ys] as Tensor[]);
  }
  return out;
}

const example = (i: number): ExampleRecord => ({
  id: { kind: 'int64', values: [i] },
  pair: { kind: 'float', values: [2 * i, i % 3] },
  species: { kind: 'bytes', values: [Buffer.from(['b', 'a', 'c'][i % 3]!)] },
});

describe('training/data/tfrecord-data', () => {
  let dir: string;
  const write = (name: string, records: ExampleRecord[], compress?: (b: Buffer) => Buffer): string => {
    const file = path.join(dir, name);
    const bytes = Buffer.concat(records.map((r) => encodeTfRecord(encodeTfExample(r))));
    fs.writeFileSync(file, compress ? compress(bytes) : bytes);
    return file;
  };
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => example(from + i));
  const expected = (n: number) =>
    fromArrays(
      Array.from({ length: n }, (_, i) => [i, 2 * i, i % 3]),
      Array.from({ length: n }, (_, i) => [[1, 0, 2][i % 3]!]),
    );

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tfrecord-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads sharded, globbed, gzip and zlib files as one stream, like the same rows in memory', async () => {
    write('part-1.tfrecord', range(7, 10));
    write('part-0.tfrecord', range(0, 7));
    write('all.tfrecord.gz', range(0, 10), (b) => zlib.gzipSync(b));
    write('all.tfrecord.z', range(0, 10), (b) => zlib.deflateSync(b));
    const sources = [
      fromTfrecord(path.join(dir, 'part-*.tfrecord'), { label: 'species' }),
      fromTfrecord([path.join(dir, 'part-0.tfrecord'), path.join(dir, 'part-1.tfrecord')], { label: 'species' }),
      fromTfrecord(path.join(dir, 'all.tfrecord.gz'), { label: 'species', compressionType: 'GZIP' }),
      fromTfrecord(path.join(dir, 'all.tfrecord.z'), { label: 'species', compressionType: 'ZLIB' }),
      // Streamed (over the in-memory limit) through a small shuffle buffer.
      fromTfrecord(path.join(dir, 'part-?.tfrecord'), { label: 'species', maxInMemoryBytes: 0, shuffleBuffer: 4 }),
    ];
    const reference = expected(10);
    for (const [k, data] of sources.entries()) {
      await data.ready!();
      assert.equal(data.size, 10);
      const plain = { batchSize: 4, shuffle: false, seed: 0 };
      assert.deepEqual(await collect(data, 0, plain), await collect(reference, 0, plain), `source ${k}`);
      const { train, validation } = data.split(0.2);
      assert.deepEqual(
        await collect(validation, 0, plain),
        [
          [
            [8, 16, 2, 2],
            [9, 18, 0, 1],
          ],
        ],
        `split ${k}`,
      );
      const shard = train.shard(2, 1);
      const seeded = { batchSize: 2, shuffle: true, seed: 7 };
      const again = await collect(shard, 3, seeded);
      assert.deepEqual(await collect(shard, 3, seeded), again, 'an epoch order depends only on (seed, epoch)');
      assert.equal(again.flat().length, 4);
      data.dispose?.();
    }
  });

  it('matches CSV with one-hot labels and the same seeded shuffle', async () => {
    const csv = path.join(dir, 'same.csv');
    fs.writeFileSync(
      csv,
      ['id,p0,p1,species', ...range(0, 9).map((_, i) => `${i},${2 * i},${i % 3},${'bac'[i % 3]}`)].join('\n'),
    );
    const a = fromTfrecord(write('same.tfrecord', range(0, 9)), { label: 'species', oneHot: 'auto' });
    const b = fromCsv(csv, { label: 'species', oneHot: 'auto' });
    const options = { batchSize: 4, shuffle: true, seed: 11 };
    assert.deepEqual(await collect(a, 2, options), await collect(b, 2, options));
  });

  it('names the file and record of a missing or ragged feature, and suggests feature names', async () => {
    const missing = range(0, 4);
    delete missing[2]!.pair;
    write('ok.tfrecord', range(0, 3));
    const file = write('missing.tfrecord', missing);
    await assert.rejects(
      fromTfrecord([path.join(dir, 'ok.tfrecord'), file], { label: 'species' }).ready!(),
      (err) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') &&
        (err as Error).message.includes(`${file}, record #2, feature \`pair\``) &&
        /missing/.test((err as Error).message),
    );
    const ragged = range(0, 3);
    ragged[1]!.pair = { kind: 'float', values: [1, 2, 3] };
    await assert.rejects(
      fromTfrecord(write('ragged.tfrecord', ragged), { label: 'species' }).ready!(),
      (err) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && /record #1, feature `pair`.*3 numbers/.test(String(err)),
    );
    const retyped = range(0, 3);
    retyped[2]!.id = { kind: 'float', values: [2] };
    await assert.rejects(
      fromTfrecord(write('retyped.tfrecord', retyped), { label: 'species' }).ready!(),
      (err) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') &&
        /record #2, feature `id`\. Received: a float_list\. Expected: an int64_list/.test(String(err)),
    );
    await assert.rejects(
      fromTfrecord(path.join(dir, 'ok.tfrecord'), { label: 'specis' }).ready!(),
      (err) => isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && /Did you mean "species"/.test(String(err)),
    );
  });

  it('reports CRC errors, truncation, bad gzip, non-Examples and empty globs with codes', async () => {
    const good = fs.readFileSync(write('good.tfrecord', range(0, 5)));
    const flipped = Buffer.from(good);
    flipped[good.length - 10]! ^= 0xff;
    fs.writeFileSync(path.join(dir, 'crc.tfrecord'), flipped);
    fs.writeFileSync(path.join(dir, 'cut.tfrecord'), good.subarray(0, good.length - 3));
    fs.writeFileSync(path.join(dir, 'cut.tfrecord.gz'), zlib.gzipSync(good.subarray(0, good.length - 3)));
    fs.writeFileSync(path.join(dir, 'junk.tfrecord'), encodeTfRecord(Buffer.from([0x0a, 0x05, 0x0a])));
    const cases: [string, object, string, RegExp][] = [
      ['crc.tfrecord', {}, 'TFSCALE_E_TFRECORD_CORRUPT', /crc\.tfrecord: record #4 .*data CRC/],
      ['cut.tfrecord', {}, 'TFSCALE_E_TFRECORD_TRUNCATED', /cut\.tfrecord: ends inside record #4/],
      ['cut.tfrecord.gz', { compressionType: 'GZIP' }, 'TFSCALE_E_TFRECORD_TRUNCATED', /record #4/],
      ['good.tfrecord', { compressionType: 'GZIP' }, 'TFSCALE_E_INVALID_VALUE', /not valid gzip/],
      ['junk.tfrecord', {}, 'TFSCALE_E_TFRECORD_CORRUPT', /junk\.tfrecord: record #0: Not a tf\.Example/],
      ['nothing-*.tfrecord', {}, 'TFSCALE_E_INVALID_VALUE', /no file matches/],
      ['absent.tfrecord', {}, 'TFSCALE_E_INVALID_VALUE', /does not exist/],
    ];
    // Past the first 64 KiB read: indices and offsets still count from the file's start.
    const wide = (i: number): ExampleRecord => ({ ...example(i), pad: { kind: 'float', values: Array(250).fill(i) } });
    const wideRecords = Array.from({ length: 200 }, (_, i) => wide(i));
    const big = fs.readFileSync(write('big.tfrecord', wideRecords));
    const start150 = wideRecords.slice(0, 150).reduce((sum, r) => sum + encodeTfRecord(encodeTfExample(r)).length, 0);
    big[start150 + 20]! ^= 0x01;
    fs.writeFileSync(path.join(dir, 'big.tfrecord'), big);
    const gzBig = zlib.gzipSync(big);
    fs.writeFileSync(path.join(dir, 'big.tfrecord.gz'), gzBig);
    const at150 = new RegExp(`record #150 at byte ${start150} fails its data CRC`);
    cases.push(['big.tfrecord', {}, 'TFSCALE_E_TFRECORD_CORRUPT', at150]);
    cases.push(['big.tfrecord.gz', { compressionType: 'GZIP' }, 'TFSCALE_E_TFRECORD_CORRUPT', at150]);
    for (const [name, options, code, pattern] of cases) {
      await assert.rejects(
        fromTfrecord(path.join(dir, name), { label: 'species', ...options }).ready!(),
        (err) => isTfscaleError(err, code as never) && pattern.test((err as Error).message),
        name,
      );
    }
  });
});
