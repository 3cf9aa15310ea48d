import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { type EpochOptions, fromArrays, fromTfrecord, isTfscaleError, type TrainingData } from '@tfscale/sdk';
import { interopPython } from './support/python';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');
const script = path.join(repo, 'test', 'interop', 'tfrecord_write.py');

/** Every batch of an epoch as rows of x followed by y. */
async function rowsOf(data: TrainingData, options: EpochOptions): Promise<number[][][]> {
  const out: number[][][] = [];
  for await (const batch of data.batches(0, options)) {
    const x = (batch.xs as tf.Tensor).arraySync() as number[][];
    const y = (batch.ys as tf.Tensor).arraySync() as number[][];
    out.push(x.map((row, i) => [...row, ...y[i]!]));
    tf.dispose([batch.xs, batch.ys] as tf.Tensor[]);
  }
  return out;
}

describe('TFRecord data source on files TensorFlow wrote (interop)', function () {
  this.timeout(300_000);
  let dir: string;
  const at = (name: string) => path.join(dir, name);

  before(async function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-tfrecord-interop-'));
    await run(found.path, [script, dir], { maxBuffer: 16 << 20 });
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads what tf.io.parse_example reads, from shards, GZIP and ZLIB files', async () => {
    const parsed = JSON.parse(fs.readFileSync(at('parsed.json'), 'utf8')) as { x: number[][]; y: number[] };
    const reference = fromArrays(
      parsed.x,
      parsed.y.map((v) => [v]),
    );
    const options = { batchSize: 25, shuffle: false, seed: 0 };
    const expected = await rowsOf(reference, options);
    const label = 'label';
    const features = ['x', 'k'];
    const sources: [string, TrainingData][] = [
      ['glob', fromTfrecord(at('train-*-of-00002.tfrecord'), { label, features })],
      ['GZIP', fromTfrecord(at('all.tfrecord.gz'), { label, features, compressionType: 'GZIP' })],
      [
        'ZLIB, streamed',
        fromTfrecord(at('all.tfrecord.zz'), { label, features, compressionType: 'ZLIB', maxInMemoryBytes: 0 }),
      ],
    ];
    for (const [what, data] of sources) {
      await data.ready!();
      assert.equal(data.size, 120, what);
      assert.deepEqual(await rowsOf(data, options), expected, what);
      data.dispose?.();
    }
  });

  it('`tfscale train` on a tfrecord run file ends with the same weights as on the same rows in CSV', () => {
    const glorot = (seed: number) => ({ className: 'GlorotUniform', config: { seed } });
    const train = (name: string, source: object): Buffer => {
      const runDir = at(`run-${name}`);
      fs.mkdirSync(runDir);
      const file = path.join(runDir, 'tfscale.json');
      const definition = {
        name,
        model: {
          type: 'sequential',
          layers: [
            // Seeded initializers: without them two runs on the same data already differ.
            { type: 'dense', units: 8, activation: 'relu', inputShape: [5], kernelInitializer: glorot(1) },
            { type: 'dense', units: 3, activation: 'softmax', kernelInitializer: glorot(2) },
          ],
        },
        compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'sparse_categorical_crossentropy' },
        data: { train: source, validationSplit: 0.2, batchSize: 16, shuffle: true, seed: 42 },
        epochs: 3,
        outputDir: 'out',
      };
      fs.writeFileSync(file, JSON.stringify(definition));
      const r = spawnSync(process.execPath, [cli, 'train', file, '--quiet', '--checkpoint-dir', 'ckpt'], {
        cwd: runDir,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      const first = fs.readFileSync(path.join(runDir, 'ckpt', 'ckpt-01', 'group1-shard1of1.bin'));
      const last = fs.readFileSync(path.join(runDir, 'ckpt', 'ckpt-03', 'group1-shard1of1.bin'));
      assert.notDeepEqual(last, first, `${name}: training changed the weights`);
      return last;
    };
    const csv = train('csv', { csv: '../train.csv', label: 'label' });
    const features = ['x', 'k'];
    const shards = train('shards', { tfrecord: '../train-*-of-00002.tfrecord', label: 'label', features });
    assert.ok(shards.equals(csv), 'sharded TFRecords train to the CSV weights');
    const gzip = train('gzip', { tfrecord: ['../all.tfrecord.gz'], label: 'label', features, compressionType: 'GZIP' });
    assert.ok(gzip.equals(csv), 'GZIP TFRecords train to the CSV weights');
    // The comparison sees the order: the same shards listed the other way round train differently.
    const swapped = ['../train-00001-of-00002.tfrecord', '../train-00000-of-00002.tfrecord'];
    const reversed = train('reversed', { tfrecord: swapped, label: 'label', features });
    assert.ok(!reversed.equals(csv), 'a different sample order gives different weights');
  });

  it('a record without a required feature stops `tfscale train` with a coded error naming file and record', () => {
    const runDir = at('run-missing');
    fs.mkdirSync(runDir);
    const file = path.join(runDir, 'tfscale.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        model: { type: 'sequential', layers: [{ type: 'dense', units: 3, inputShape: [5] }] },
        compile: { optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' },
        data: { train: { tfrecord: '../missing-k.tfrecord', label: 'label', features: ['x', 'k'] } },
        epochs: 1,
        outputDir: 'out',
      }),
    );
    const r = spawnSync(process.execPath, [cli, 'train', file, '--quiet'], { cwd: runDir, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout);
    const where = `${at('missing-k.tfrecord')}, record #3, feature \`k\``;
    assert.ok(r.stderr.includes(`TFSCALE_E_INVALID_VALUE: Invalid value at ${where}`), r.stderr);
  });

  it('CRC damage and truncation in a TensorFlow-written file are coded errors', async () => {
    const good = fs.readFileSync(at('train-00001-of-00002.tfrecord'));
    const damaged = Buffer.from(good);
    damaged[good.length - 20]! ^= 0x01;
    fs.writeFileSync(at('crc.tfrecord'), damaged);
    fs.writeFileSync(at('cut.tfrecord'), good.subarray(0, good.length - 5));
    const last = 49; // the shard holds rows 70..119
    const cases: [string, string, RegExp][] = [
      ['crc.tfrecord', 'TFSCALE_E_TFRECORD_CORRUPT', new RegExp(`record #${last} .*fails its data CRC`)],
      ['cut.tfrecord', 'TFSCALE_E_TFRECORD_TRUNCATED', new RegExp(`ends inside record #${last}`)],
    ];
    for (const [name, code, pattern] of cases) {
      await assert.rejects(
        fromTfrecord([at('train-00000-of-00002.tfrecord'), at(name)], { label: 'label', features: ['x', 'k'] })
          .ready!(),
        (err) =>
          isTfscaleError(err, code as never) && (err as Error).message.includes(at(name)) && pattern.test(String(err)),
        name,
      );
    }
  });
});
