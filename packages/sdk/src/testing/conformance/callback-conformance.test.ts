import assert from 'node:assert/strict';
import type { Callback, CallbackFactory, Logs } from '../../callbacks/callback';
import { TrainingControlToken } from '../../callbacks/training-control';
import { describeCallbackConformance } from './callback-conformance';
import { conformanceContext, expectCodedError } from './helpers';

/** A real stateful callback: tracks the best loss and stops after `patience` epochs without gain. */
class TinyEarlyStopping implements Callback {
  readonly name = 'TinyEarlyStopping';
  readonly stateKey = 'tiny_early_stopping';
  best = Number.POSITIVE_INFINITY;
  wait = 0;

  constructor(
    private readonly patience: number,
    private readonly stop: (reason: string) => void,
  ) {}

  async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    const loss = logs?.loss ?? Number.POSITIVE_INFINITY;
    if (loss < this.best) {
      this.best = loss;
      this.wait = 0;
    } else if (++this.wait >= this.patience) {
      this.stop(`loss did not improve for ${this.wait} epochs`);
    }
  }

  saveState(): { best: number | null; wait: number } {
    return { best: Number.isFinite(this.best) ? this.best : null, wait: this.wait };
  }

  loadState(state: unknown): void {
    const s = state as { best: number | null; wait: number };
    this.best = s.best ?? Number.POSITIVE_INFINITY;
    this.wait = s.wait;
  }
}

const earlyStopping: CallbackFactory = (options, ctx) => {
  const control = ctx.container.resolve(TrainingControlToken);
  return new TinyEarlyStopping(Number(options.patience ?? 1), (reason) => control.stopTraining(reason));
};

describeCallbackConformance('tiny-early-stopping (in-test)', () => earlyStopping, { options: { patience: 2 } });
describeCallbackConformance('plain object (in-test)', () => () => ({ onEpochEnd: async () => {} }));
describeCallbackConformance('empty (in-test)', () => () => ({}));

describe('testing/conformance helpers', () => {
  it('the in-test early stopping really stops through TrainingControl', async () => {
    const ctx = conformanceContext();
    const callback = await earlyStopping({ patience: 1 }, ctx);
    await callback.onEpochEnd!(0, { loss: 1 });
    await callback.onEpochEnd!(1, { loss: 2 });
    assert.equal(ctx.container.resolve(TrainingControlToken).stopRequested, true);
  });

  it('expectCodedError fails when nothing is thrown or the code differs', async () => {
    await assert.rejects(
      expectCodedError(() => 1, 'TFSCALE_E_INVALID_VALUE'),
      /nothing was thrown/,
    );
    await assert.rejects(
      expectCodedError(() => {
        throw new Error('plain');
      }, 'TFSCALE_E_INVALID_VALUE'),
      /expected code TFSCALE_E_INVALID_VALUE, got Error: plain/,
    );
  });
});
