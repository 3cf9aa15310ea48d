import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadTf } from '../../backend/tf';
import { writeSavedModel } from '../../export/savedmodel/write-saved-model';
import { tempDir } from '../model-testing.test';
import { ServingError, type ServingTensor } from '../types';
import { servingAddon } from './addon-session';
import { NativeSession } from './native-session';
import { SavedModelRuntime } from './savedmodel-runtime';

/** A dense stack heavy enough that one call at batch 256 takes milliseconds. */
async function writeHeavy(dir: string): Promise<void> {
  const tf = loadTf();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [512], units: 1024, activation: 'relu' }),
      tf.layers.dense({ units: 1024, activation: 'relu' }),
      tf.layers.dense({ units: 4 }),
    ],
  });
  await writeSavedModel(model, dir, { overwrite: true });
  model.dispose();
}

const batch = (rows: number): ServingTensor => ({
  dtype: 'float32',
  shape: [rows, 512],
  data: Float32Array.from({ length: rows * 512 }, (_, i) => ((i * 7919) % 1000) / 1000),
});

describe('serving/runtimes/addon-session', function () {
  this.timeout(180_000);
  let dir: string;
  let cleanup: () => void;
  before(async function () {
    // CI builds the addon (setup-native); a machine without a toolchain serves through tfjs-node.
    if (!servingAddon() && !process.env.CI) this.skip();
    ({ dir, cleanup } = tempDir('addon-session'));
    await writeHeavy(path.join(dir, '1'));
  });
  after(() => cleanup?.());

  it('is what the SavedModel runtime uses when the addon is built', async () => {
    assert.ok(servingAddon(), 'the serving addon is built (packages/sdk/native, scripts/setup-native.js)');
    const session = await NativeSession.open(path.join(dir, '1'), ['serve']);
    assert.equal(session.offThread, true);
    session.close();
  });

  it('computes off the JS thread: timers fire while a call runs, and calls overlap', async () => {
    const servable = await new SavedModelRuntime().load(path.join(dir, '1'));
    try {
      const inputs = { [servable.signatures.serving_default!.inputs[0]!.key]: batch(256) };
      await servable.predict('serving_default', inputs); // warm
      let t = performance.now();
      const expected = await servable.predict('serving_default', inputs);
      const oneCall = performance.now() - t;
      // While a call is in flight the event loop must keep turning (a blocking run would starve it).
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      t = performance.now();
      const results = await Promise.all([1, 2, 3, 4].map(() => servable.predict('serving_default', inputs)));
      clearInterval(timer);
      const fourCalls = performance.now() - t;
      assert.ok(ticks >= 3, `the event loop turned ${ticks} times during ${fourCalls.toFixed(1)} ms of model calls`);
      assert.ok(oneCall > 1, `one call takes ${oneCall.toFixed(2)} ms (the model must be heavy enough to see ticks)`);
      for (const r of results) assert.deepEqual(r, expected);
    } finally {
      await servable.dispose();
    }
  });

  it('runs inline or off the JS thread as asked', async () => {
    const session = await NativeSession.open(path.join(dir, '1'), ['serve']);
    const spec = (await new SavedModelRuntime().load(path.join(dir, '1'))).signatures.serving_default!;
    const feeds = [{ name: spec.inputs[0]!.name, tensor: batch(256) }];
    const fetches = [{ name: spec.outputs[0]!.name, key: 'y' }];
    const ticksDuring = async (placement: 'inline' | 'offThread') => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const before = ticks;
      for (let i = 0; i < 4; i++) await session.run(feeds, fetches, placement);
      clearInterval(timer);
      return ticks - before;
    };
    try {
      assert.equal(await ticksDuring('inline'), 0, 'inline runs block the event loop');
      assert.ok((await ticksDuring('offThread')) >= 3, 'off-thread runs leave it turning');
    } finally {
      session.close();
    }
  });

  it('by default runs a quick model inline only while nothing else runs on the pool', async () => {
    const session = await NativeSession.open(path.join(dir, '1'), ['serve']);
    const spec = (await new SavedModelRuntime().load(path.join(dir, '1'))).signatures.serving_default!;
    const fetches = [{ name: spec.outputs[0]!.name, key: 'y' }];
    const one = [{ name: spec.inputs[0]!.name, tensor: batch(1) }];
    try {
      // Warm up as the server does at load, so the session knows the call is quick.
      for (let i = 0; i < 30; i++) await session.run(one, fetches, 'inline');
      const warm = session.placed!;
      for (let i = 0; i < 6; i++) {
        await session.run(one, fetches);
        await new Promise((resolve) => setTimeout(resolve, 30)); // an otherwise idle server
      }
      const idle = session.placed!;
      assert.ok(idle.inline - warm.inline >= 4, `quick calls on an idle loop run inline: ${JSON.stringify(idle)}`);
      // With a long call on the pool the server is under load: quick calls must not block the JS thread.
      const long = session.run([{ name: spec.inputs[0]!.name, tensor: batch(256) }], fetches, 'offThread');
      await Promise.all([1, 2, 3].map(() => session.run(one, fetches)));
      await long;
      const busy = session.placed!;
      assert.equal(busy.inline, idle.inline, `no inline run while one was on the pool: ${JSON.stringify(busy)}`);
      assert.equal(busy.offThread, idle.offThread + 4);
    } finally {
      session.close();
    }
  });

  it('finishes calls in flight when the version is closed, and refuses new ones', async () => {
    const servable = await new SavedModelRuntime().load(path.join(dir, '1'));
    const inputs = { [servable.signatures.serving_default!.inputs[0]!.key]: batch(256) };
    const expected = await servable.predict('serving_default', inputs);
    const inFlight = [1, 2, 3].map(() => servable.predict('serving_default', inputs));
    await servable.dispose();
    for (const r of await Promise.all(inFlight)) assert.deepEqual(r, expected);
    await assert.rejects(
      servable.predict('serving_default', inputs),
      (e: unknown) => e instanceof ServingError && e.code === 'UNAVAILABLE',
    );
  });

  it("reports TensorFlow's own status code for a failed run", async () => {
    const servable = await new SavedModelRuntime().load(path.join(dir, '1'));
    try {
      // 511 columns pass the shape check only when the batch is unknown: bypass it with a raw session.
      const session = await NativeSession.open(path.join(dir, '1'), ['serve']);
      const spec = servable.signatures.serving_default!;
      const wrong: ServingTensor = { dtype: 'float32', shape: [2, 511], data: new Float32Array(1022) };
      await assert.rejects(
        session.run([{ name: spec.inputs[0]!.name, tensor: wrong }], [{ name: spec.outputs[0]!.name, key: 'y' }]),
        (e: unknown) => e instanceof ServingError && e.code === 'INVALID_ARGUMENT' && /511|512/.test(e.message),
      );
      session.close();
    } finally {
      await servable.dispose();
    }
  });
});
