import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel, NamedTensorMap, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import type { NamedTensor } from '../callbacks/callback-context';
import { TfscaleError } from '../core/errors';

/** File names inside a weights directory. */
export const WEIGHTS_JSON = 'weights.json';
export const WEIGHTS_BIN = 'weights.bin';

interface WeightsJson {
  format: 'tfscale-weights';
  version: 1;
  weightsManifest: Awaited<ReturnType<typeof import('@tensorflow/tfjs').io.encodeWeights>>['specs'];
}

/**
 * Writes named tensors as `weights.json` (tfjs weight specs) + `weights.bin` (little-endian data,
 * the tfjs weights layout) into `dir`, which must exist.
 * @example
 *   await writeWeights(dir, model.weights.map((w) => ({ name: w.originalName, tensor: w.read() })));
 */
export async function writeWeights(dir: string, tensors: NamedTensor[]): Promise<void> {
  const tf = loadTf();
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const json: WeightsJson = { format: 'tfscale-weights', version: 1, weightsManifest: specs };
  await fs.writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(data as ArrayBuffer));
  await fs.writeFile(path.join(dir, WEIGHTS_JSON), `${JSON.stringify(json, null, 1)}\n`);
}

/**
 * Reads what {@link writeWeights} wrote, in the written order.
 * @example
 *   const tensors = await readWeights(dir);
 */
export async function readWeights(dir: string): Promise<NamedTensor[]> {
  const tf = loadTf();
  let json: WeightsJson;
  let bin: Buffer;
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, WEIGHTS_JSON), 'utf8')) as WeightsJson;
    bin = await fs.readFile(path.join(dir, WEIGHTS_BIN));
  } catch (err) {
    throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `Cannot read weights from ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const map = tf.io.decodeWeights(buffer, json.weightsManifest) as NamedTensorMap;
  return json.weightsManifest.map((spec) => ({ name: spec.name, tensor: map[spec.name] as Tensor }));
}

/** The model's weights by their unique variable names (layer-qualified, e.g. `dense_1/kernel`). */
export function modelWeights(model: LayersModel): NamedTensor[] {
  return model.weights.map((w) => ({ name: w.name, tensor: w.read() }));
}

/**
 * Sets a model's weights from {@link readWeights} output, matching by position and checking
 * shapes, so a checkpoint of another architecture is refused with a clear error.
 * @example
 *   setModelWeights(model, await readWeights(dir));
 */
export function setModelWeights(model: LayersModel, weights: NamedTensor[]): void {
  if (weights.length !== model.weights.length) {
    throw new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `The saved weights do not fit this model. Received: ${weights.length} tensors. Expected: ${model.weights.length} (${model.weights.map((w) => w.name).join(', ')}).`,
      { hint: 'restore into the same architecture the weights were saved from' },
    );
  }
  model.weights.forEach((w, i) => {
    const t = weights[i].tensor;
    if (w.shape.join() !== t.shape.join()) {
      throw new TfscaleError(
        'TFSCALE_E_INVALID_VALUE',
        `Saved weight ${weights[i].name} has shape [${t.shape}] but ${w.name} has [${w.shape}].`,
      );
    }
  });
  model.setWeights(weights.map((w) => w.tensor));
}
