import assert from 'node:assert/strict';
import { expectCodedError } from '../testing/conformance/helpers';
import { CallbackList } from './callback-list';
import { testContext } from './callback-test-context.test.helper';
import { TerminateOnNaN } from './terminate-on-nan';

describe('callbacks/TerminateOnNaN', () => {
  it('leaves training alone while the loss is finite (or absent)', () => {
    const { ctx, control } = testContext();
    const callback = new TerminateOnNaN();
    callback.setContext(ctx);
    callback.onTrainBatchEnd(0, { loss: 0.5 });
    callback.onTrainBatchEnd(1, { accuracy: Number.NaN });
    callback.onTrainBatchEnd(2);
    assert.equal(control.stopRequested, false);
  });

  for (const loss of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    it(`stops training through TrainingControl on a ${loss} loss, naming the batch`, () => {
      const { ctx, control, logger } = testContext();
      const callback = new TerminateOnNaN();
      callback.setContext(ctx);
      callback.onTrainBatchEnd(3, { loss });
      assert.equal(control.stopRequested, true);
      assert.equal(control.stopReason, 'NaN loss at batch 3');
      assert.deepEqual(logger.lines, ['warn: Batch 3: Invalid loss, terminating training']);
    });
  }

  it('throws a coded error at once with raiseError (through a CallbackList, naming the callback)', async () => {
    const { ctx, control } = testContext();
    const list = new CallbackList([new TerminateOnNaN({ raiseError: true })]);
    list.setContext(ctx);
    const err = await expectCodedError(
      () => list.onTrainBatchEnd(7, { loss: Number.NaN }),
      'TFSCALE_E_CALLBACK_FAILED',
    );
    assert.match(err.message, /TerminateOnNaN.*onTrainBatchEnd: NaN or Inf loss encountered at batch 7/);
    assert.equal((err.cause as { code?: string }).code, 'TFSCALE_E_TRAINING_NAN_LOSS');
    assert.equal(control.stopRequested, false);
  });

  it('validates its options', async () => {
    await expectCodedError(() => new TerminateOnNaN({ raiseError: 1 as never }), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => new TerminateOnNaN({ raise_error: true } as never), 'TFSCALE_E_INVALID_VALUE');
  });
});
