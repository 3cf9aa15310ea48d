import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Tensor } from '@tensorflow/tfjs';
import { createAdamW, loadGraphAddon, loadTf, selectTrainStep, silentLogger } from '@tfscale/sdk';
import { interopPython } from './support/python';

const STEPS = 6;
const OPT = { learningRate: 0.02, weightDecay: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
// Deterministic inputs, shared with Python as JSON.
const kernel = Array.from({ length: 4 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(i * 3 + j + 1) * 0.5));
const bias = [0.1, -0.2, 0.05];
const x = Array.from({ length: 8 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.cos(i * 4 + j)));
const y = Array.from({ length: 8 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(i + j * 2)));

const KERAS = `
import json, sys, numpy as np, keras
d = json.loads(sys.argv[1])
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
m.set_weights([np.array(d["kernel"], np.float32), np.array(d["bias"], np.float32)])
o = d["opt"]
m.compile(optimizer=keras.optimizers.AdamW(learning_rate=o["learningRate"], weight_decay=o["weightDecay"],
          beta_1=o["beta1"], beta_2=o["beta2"], epsilon=o["epsilon"]), loss="mean_squared_error")
for _ in range(d["steps"]):
    m.train_on_batch(np.array(d["x"], np.float32), np.array(d["y"], np.float32))
print(json.dumps([w.ravel().tolist() for w in m.get_weights()]))
`;

describe('AdamW (tfjs has none): eager and compiled steps against Keras 3 AdamW', function () {
  this.timeout(120_000);
  let python = '';
  before(function () {
    const found = interopPython();
    if (!found.path) {
      console.log(`    skipped: ${found.reason}`);
      return this.skip();
    }
    python = found.path;
  });

  for (const mode of ['eager', 'compiled'] as const) {
    it(`${mode}: ${STEPS} full-batch steps end at Keras's weights (1e-5)`, async function () {
      if (mode === 'compiled' && !loadGraphAddon().addon) {
        if (process.env.CI) throw new Error(`compiled-step addon missing in CI: ${loadGraphAddon().reason}`);
        return this.skip();
      }
      const tf = loadTf();
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 })] });
      model.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]);
      model.compile({ optimizer: createAdamW(tf, OPT), loss: 'meanSquaredError' });
      const step = selectTrainStep(tf, model, { mode, logger: silentLogger });
      for (let i = 0; i < STEPS; i++) await step.run(tf.tensor2d(x), tf.tensor2d(y));
      await step.sync();
      assert.equal(step.mode, mode);
      const ours = model.getWeights().map((w: Tensor) => Array.from(w.dataSync()));
      const keras = JSON.parse(
        execFileSync(python, ['-c', KERAS, JSON.stringify({ kernel, bias, x, y, opt: OPT, steps: STEPS })], {
          encoding: 'utf8',
          env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
        })
          .trim()
          .split('\n')
          .at(-1)!,
      ) as number[][];
      for (const [i, w] of keras.entries()) {
        for (const [j, v] of w.entries()) {
          assert.ok(Math.abs(ours[i]![j]! - v) <= 1e-5, `weight ${i}[${j}]: ${ours[i]![j]} vs Keras ${v}`);
        }
      }
      // It moved: decay and updates are not no-ops.
      assert.ok(Math.abs(ours[0]![0]! - kernel[0]![0]!) > 1e-3);
    });
  }
});
