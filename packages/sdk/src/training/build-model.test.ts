import assert from 'node:assert/strict';
import { loadTf } from '../backend/tf';
import { isTfscaleError } from '../core/errors';
import { buildModel, compileModel } from './build-model';

describe('training/build-model: compile', () => {
  const model = async () =>
    buildModel(loadTf(), { type: 'sequential', layers: [{ type: 'dense', units: 1, inputShape: [2] }] });

  it("accepts Keras's short loss names (mse, mae, …) and snake_case names", async () => {
    for (const [given, lossName] of [
      ['mse', 'meanSquaredError'],
      ['MAE', 'meanAbsoluteError'],
      ['kl_divergence', 'kullbackLeiblerDivergence'],
      ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
    ] as const) {
      const m = await model();
      compileModel(loadTf(), m, { optimizer: 'sgd', loss: given } as never);
      assert.equal((m as unknown as { loss: string }).loss, lossName, given);
      m.dispose();
    }
  });

  it('refuses an unknown loss with a coded error and a suggestion', async () => {
    const m = await model();
    assert.throws(
      () => compileModel(loadTf(), m, { optimizer: 'sgd', loss: 'mean_squared_eror' } as never),
      (err: unknown) =>
        isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE') && /did you mean 'meanSquaredError'\?/.test(String(err)),
    );
    m.dispose();
  });
});
