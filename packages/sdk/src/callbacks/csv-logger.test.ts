import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCodedError } from '../testing/conformance/helpers';
import { testContext } from './callback-test-context.test.helper';
import { CSVLogger } from './csv-logger';

describe('callbacks/CSVLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-csv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function train(logger: CSVLogger, epochs: Array<[number, Record<string, number>]>, isPrimary = true) {
    logger.setContext(testContext({ isPrimary }).ctx);
    await logger.onTrainBegin();
    for (const [epoch, logs] of epochs) await logger.onEpochEnd(epoch, logs);
    await logger.onTrainEnd();
  }

  it('writes what Keras 3.15 writes, byte for byte, including its val_ columns and append quirks', async () => {
    // The expected text is keras.callbacks.CSVLogger's output for the same calls.
    const filename = join(dir, 'sub', 'log.csv');
    await train(new CSVLogger({ filename }), [
      [0, { loss: 0.25, accuracy: 1, lr: 1e-5 }],
      [1, { loss: Number.NaN, accuracy: 1e16, lr: 0.1 }],
    ]);
    const first =
      'epoch,accuracy,loss,lr,val_accuracy,val_loss,val_lr\n0,1.0,0.25,1e-05,NA,NA,NA\n1,1e+16,nan,0.1,NA,NA,NA\n';
    assert.equal(readFileSync(filename, 'utf8'), first);

    await train(new CSVLogger({ filename, append: true }), [[2, { loss: 0.5, accuracy: 0.3, lr: 0.1, val_loss: 2.5 }]]);
    assert.equal(readFileSync(filename, 'utf8'), `${first}2,0.3,0.5,0.1,2.5\n`);
  });

  it('overwrites by default, fills missing values with NA, and honours the separator', async () => {
    const filename = join(dir, 'log.csv');
    writeFileSync(filename, 'old contents\n');
    await train(new CSVLogger({ filename, separator: ';' }), [
      [0, { loss: 0.123456789, val_loss: 0.5 }],
      [1, { loss: 0.0001 }],
    ]);
    assert.equal(readFileSync(filename, 'utf8'), 'epoch;loss;val_loss\n0;0.123456789;0.5\n1;0.0001;NA\n');
  });

  it('writes a header when appending to an empty or missing file', async () => {
    const filename = join(dir, 'empty.csv');
    writeFileSync(filename, '');
    await train(new CSVLogger({ filename, append: true }), [[0, { loss: 1 }]]);
    assert.equal(readFileSync(filename, 'utf8'), 'epoch,loss,val_loss\n0,1.0,NA\n');
  });

  it('writes nothing on a non-primary replica', async () => {
    const filename = join(dir, 'replica.csv');
    await train(new CSVLogger({ filename }), [[0, { loss: 1 }]], false);
    assert.equal(existsSync(filename), false);
  });

  it('validates its options', async () => {
    await expectCodedError(() => new CSVLogger({ filename: '' }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new CSVLogger({ filename: 'x.csv', separator: '"' }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(
      () => new CSVLogger({ filename: 'x.csv', append: 'yes' as never }),
      'TFSCALE_E_INVALID_VALUE',
    );
    await expectCodedError(() => new CSVLogger(undefined as never), 'TFSCALE_E_INVALID_VALUE');
  });
});
