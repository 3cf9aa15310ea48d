import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { expectCodedError } from '../testing/conformance/helpers';
import { testContext } from './callback-test-context.test.helper';
import { ProgressBar } from './progress-bar';

/** A writable that records what was written; `isTTY` as a terminal would report it. */
class FakeStream extends Writable {
  readonly chunks: string[] = [];
  readonly columns = 160;
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** One epoch of 4 batches ending at 10, 20, 30 and 48 ms (12 ms/step), then the epoch end at 50 ms. */
async function epoch(bar: ProgressBar, clock: { t: number }, index: number, epochLogs: Record<string, number>) {
  clock.t = index * 1000;
  bar.onEpochBegin(index);
  for (const [batch, end] of [10, 20, 30, 48].entries()) {
    clock.t = index * 1000 + end;
    bar.onTrainBatchEnd(batch, { loss: 0.5, accuracy: 0.75 });
  }
  clock.t = index * 1000 + 50;
  bar.onEpochEnd(index, epochLogs);
}

describe('callbacks/ProgressBar', () => {
  it('prints one Keras-like line per epoch when the stream is not a terminal', async () => {
    const stream = new FakeStream(false);
    const clock = { t: 0 };
    const bar = new ProgressBar({ stream, now: () => clock.t });
    bar.setContext(testContext({ params: { epochs: 2, steps: 4 } }).ctx);
    await epoch(bar, clock, 0, { loss: 0.123449, accuracy: 0.95, val_loss: 0.0001, lr: 0.01 });
    await epoch(bar, clock, 1, { loss: Number.NaN, accuracy: 1 });
    bar.onTrainEnd();
    assert.equal(
      stream.text,
      'Epoch 1/2 - 12ms/step - loss: 0.1234 - accuracy: 0.9500 - val_loss: 1.0000e-04 - lr: 0.0100\n' +
        'Epoch 2/2 - 12ms/step - loss: nan - accuracy: 1.0000\n',
    );
  });

  it('draws a bar per epoch on a terminal, ending with the epoch metrics', async () => {
    const stream = new FakeStream(true);
    const clock = { t: 0 };
    const bar = new ProgressBar({ stream, now: () => clock.t });
    bar.setContext(testContext({ params: { epochs: 2, steps: 4 } }).ctx);
    await epoch(bar, clock, 0, { loss: 0.5, val_loss: 0.2 });
    bar.onTrainEnd();
    const text = stream.text;
    assert.ok(text.startsWith('Epoch 1/2\n'), JSON.stringify(text));
    assert.match(text, /0\/4 \[\.{30}\]/); // the bar as drawn at the epoch start
    assert.match(text, /4\/4 \[={30}\] 0s 12ms\/step - loss: 0\.5000 - val_loss: 0\.2000/);
    assert.ok(text.endsWith('\n'));
    assert.ok(text.includes('\x1b['), 'expected cursor control sequences on a terminal');
  });

  it('ends a bar left open by a stop mid-epoch with its last position', () => {
    const stream = new FakeStream(true);
    const bar = new ProgressBar({ stream, now: () => 0 });
    bar.setContext(testContext({ params: { epochs: 2, steps: 4 } }).ctx);
    bar.onEpochBegin(0);
    bar.onTrainBatchEnd(0, { loss: 1 });
    bar.onTrainBatchEnd(1, { loss: 1 });
    bar.onTrainEnd();
    assert.ok(stream.text.endsWith(`2/4 [${'='.repeat(15)}${'.'.repeat(15)}]\n`), JSON.stringify(stream.text));
  });

  it("follows ttyMode over the stream's isTTY, and params.verbose (0 silent, 2 lines)", async () => {
    const clock = { t: 0 };
    const forced = new FakeStream(true);
    const plain = new ProgressBar({ stream: forced, ttyMode: 'plain', now: () => clock.t });
    plain.setContext(testContext({ params: { epochs: 1 } }).ctx);
    await epoch(plain, clock, 0, { loss: 1 });
    assert.equal(forced.text, 'Epoch 1/1 - 12ms/step - loss: 1.0000\n');

    const verbose2 = new FakeStream(true);
    const lines = new ProgressBar({ stream: verbose2, now: () => clock.t });
    lines.setContext(testContext({ params: { epochs: 1, verbose: 2 } }).ctx);
    await epoch(lines, clock, 0, { loss: 1 });
    assert.equal(verbose2.text, 'Epoch 1/1 - 12ms/step - loss: 1.0000\n');

    for (const ctx of [testContext({ params: { verbose: 0 } }).ctx, testContext({ isPrimary: false }).ctx]) {
      const silent = new FakeStream(true);
      const bar = new ProgressBar({ stream: silent, now: () => clock.t });
      bar.setContext(ctx);
      await epoch(bar, clock, 0, { loss: 1 });
      bar.onTrainEnd();
      assert.equal(silent.text, '');
    }
  });

  it('validates its options', async () => {
    await expectCodedError(() => new ProgressBar({ ttyMode: 'fancy' as never }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new ProgressBar({ stream: {} as never }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new ProgressBar({ tty_mode: 'plain' } as never), 'TFSCALE_E_INVALID_VALUE');
  });
});
