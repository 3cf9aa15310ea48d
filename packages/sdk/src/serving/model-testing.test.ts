/**
 * Test support for the model manager and runtimes (no tests here; the `.test` name keeps it out
 * of the package): awaitable conditions, temp base paths, a scriptable fake runtime, and the
 * real half_plus_two model written by the SDK.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf } from '../backend/tf';
import { writeSavedModel } from '../export/savedmodel/write-saved-model';
import type { ModelConfig, ModelServerConfig } from './model-config';
import { type Servable, ServingError, type ServingRuntime, type ServingTensor } from './types';

/**
 * Resolves once `predicate()` is true, checking on every macrotask turn; rejects after
 * `timeoutMs` with `what` in the message.
 * @example
 *   await waitFor(() => manager.stateOf('m', 2) === 'AVAILABLE', 5000, 'version 2 available');
 */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * A fresh temp folder, removed by the returned cleanup.
 * @example
 *   const { dir, cleanup } = tempDir('manager'); after(cleanup);
 */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tfscale-serving-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * What a fake version folder holds (`model.fake`, JSON): the bias of `y = 0.5 x + bias`, a load
 * error to throw, and whether warmup predicts wait for `FakeRuntime.gate`.
 * @example
 *   writeFakeVersion(base, 3, { bias: 3 });
 */
export interface FakeSpec {
  bias?: number;
  fail?: string;
  gateWarmup?: boolean;
}

/**
 * Writes `<base>/<version>/model.fake` (a new folder atomically).
 * @example
 *   writeFakeVersion('/tmp/m', 1, { bias: 2 });
 */
export function writeFakeVersion(base: string, version: number | string, spec: FakeSpec = {}): string {
  const dir = path.join(base, String(version));
  if (fs.existsSync(dir)) {
    fs.writeFileSync(path.join(dir, 'model.fake'), JSON.stringify(spec));
    return dir;
  }
  // A new version appears whole (written aside, then renamed), so a poll never sees half of it.
  const tmp = path.join(base, `.tmp-${version}`);
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'model.fake'), JSON.stringify(spec));
  fs.renameSync(tmp, dir);
  return dir;
}

/**
 * A runtime over `model.fake` folders that records loads, predictions and disposals, and can
 * hold warmup predictions until `release()` is called on its gate.
 * @example
 *   const fake = new FakeRuntime();
 *   const manager = new FileSystemModelManager({ runtimes: [fake] });
 */
export class FakeRuntime implements ServingRuntime {
  readonly name = 'fake';
  readonly priority = 1;
  readonly loads: string[] = [];
  readonly disposed: string[] = [];
  readonly predictions: Array<{ dir: string; inputs: Record<string, ServingTensor> }> = [];
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  /** Makes gated warmups wait until the returned function is called. */
  closeGate(): () => void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
    return () => this.#open?.();
  }

  async canLoad(dir: string): Promise<boolean> {
    return fs.existsSync(path.join(dir, 'model.fake'));
  }

  async load(dir: string): Promise<Servable> {
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'model.fake'), 'utf8')) as FakeSpec;
    this.loads.push(dir);
    if (spec.fail) throw new Error(spec.fail);
    const bias = spec.bias ?? 2;
    let warm = !spec.gateWarmup;
    return {
      runtime: 'fake',
      signatures: {
        serving_default: {
          methodName: 'tensorflow/serving/predict',
          inputs: [{ key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 1] }],
          outputs: [{ key: 'y', name: 'y:0', dtype: 'float32', shape: [-1, 1] }],
        },
      },
      predict: async (_signature, inputs) => {
        this.predictions.push({ dir, inputs });
        if (!warm) {
          warm = true;
          await this.#gate;
        }
        const x = inputs.x!.data as Float32Array;
        return { y: { dtype: 'float32', shape: inputs.x!.shape, data: x.map((v) => v * 0.5 + bias) } };
      },
      dispose: () => {
        this.disposed.push(dir);
      },
    };
  }
}

/**
 * Writes a real half_plus_two SavedModel (Dense 1→1, kernel 0.5, bias `bias`; input `x`,
 * output `y`) with the SDK's exporter.
 * @example
 *   await writeHalfPlusTwo(path.join(base, '1'));
 */
export async function writeHalfPlusTwo(dir: string, bias = 2): Promise<void> {
  const tf = loadTf();
  const x = tf.input({ shape: [1], name: 'x' });
  const dense = tf.layers.dense({ units: 1, name: 'y' });
  const model = tf.model({ inputs: x, outputs: dense.apply(x) as ReturnType<typeof tf.input> });
  dense.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([bias])]);
  await writeSavedModel(model, dir);
  model.dispose();
}

/**
 * A float32 [n, 1] tensor of `values`.
 * @example
 *   column(1, 2, 5); // { dtype: 'float32', shape: [3, 1], data: Float32Array [1, 2, 5] }
 */
export function column(...values: number[]): ServingTensor {
  return { dtype: 'float32', shape: [values.length, 1], data: Float32Array.from(values) };
}

/**
 * A model server config listing `models`.
 * @example
 *   manager.reloadConfig(config({ name: 'half', basePath: base }));
 */
export const config = (...models: ModelConfig[]): ModelServerConfig => ({ modelConfigList: { config: models } });

/**
 * Asserts that `p` (a promise, or a function that throws or rejects) fails with a ServingError of
 * exactly `code` and `message`.
 * @example
 *   await rejectsWith(() => manager.acquire('nope', {}), 'NOT_FOUND', 'Servable not found for request: Latest(nope)');
 */
export async function rejectsWith(p: Promise<unknown> | (() => unknown), code: string, message: string): Promise<void> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    assert.ok(err instanceof ServingError, String(err));
    assert.deepEqual([err.code, err.message], [code, message]);
    return;
  }
  assert.fail(`expected ${code}: ${message}`);
}
