/**
 * The TF.js runtime: a `model.json` folder (Layers or graph model) run on the active tfjs backend
 * (native, WASM or CPU), as one `serving_default` signature. Layers models get the same keys our
 * SavedModel export gives them (layer names, TF-sanitised), so clients see one API in both formats.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { tfName } from '../../export/graph/model-graph';
import { tfjsFolder } from '../../io/tfjs-file-handler';
import { type Servable, ServingError, type ServingRuntime, type ServingTensor, type TensorSpec } from '../types';
import { checkPredictRequest } from './predict-checks';
import { dtypeFromDtName } from './tf-dtypes';
import { fromTfTensor, toTfTensor } from './tfjs-tensors';

/**
 * Claims version directories holding `model.json` (priority 50).
 * @example
 *   const servable = await new TfjsRuntime().load('models/digits/tfjs/3');
 *   servable.signatures.serving_default.inputs; // [{ key: 'dense_input', … }]
 */
export class TfjsRuntime implements ServingRuntime {
  readonly name = 'tfjs';
  readonly priority = 50;

  async canLoad(versionDir: string): Promise<boolean> {
    return fs.stat(path.join(versionDir, 'model.json')).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async load(versionDir: string): Promise<Servable> {
    const tf = loadTf();
    let json: { format?: string; modelTopology?: Record<string, unknown> };
    try {
      json = JSON.parse(await fs.readFile(path.join(versionDir, 'model.json'), 'utf8'));
    } catch (err) {
      throw new ServingError(
        'DATA_LOSS',
        `Could not read ${path.join(versionDir, 'model.json')}: ${(err as Error).message}`,
      );
    }
    const graph = json.format === 'graph-model' || Array.isArray(json.modelTopology?.node);
    try {
      return graph
        ? graphServable(await tf.loadGraphModel(tfjsFolder(versionDir)))
        : layersServable(await tf.loadLayersModel(tfjsFolder(versionDir)));
    } catch (err) {
      throw new ServingError('INTERNAL', `TF.js could not load the model in ${versionDir}: ${(err as Error).message}`);
    }
  }
}

function uniqueKeys(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let key = tfName(name);
    for (let i = 1; seen.has(key); i++) key = `${tfName(name)}_${i}`;
    seen.add(key);
    return key;
  });
}

const shapeOf = (shape: ReadonlyArray<number | null> | undefined) => shape?.map((d) => d ?? -1);

function spec(key: string, name: string, dtype: string | undefined, shape?: ReadonlyArray<number | null>): TensorSpec {
  const s: TensorSpec = { key, name, dtype: dtypeFromDtName(dtype) ?? (dtype as TensorSpec['dtype']) ?? 'float32' };
  const dims = shapeOf(shape);
  if (dims) s.shape = dims;
  return s;
}

function layersServable(model: LayersModel): Servable {
  const inKeys = uniqueKeys(model.inputs.map((t) => t.sourceLayer.name));
  const outKeys = uniqueKeys(model.outputs.map((t) => t.sourceLayer.name));
  const inputs = model.inputs.map((t, i) => spec(inKeys[i]!, `${inKeys[i]}:0`, t.dtype, t.shape));
  const outputs = model.outputs.map((t, i) => spec(outKeys[i]!, t.name, t.dtype, t.shape));
  return tfjsServable(
    inputs,
    outputs,
    async (xs) => {
      const y = model.predict(inputs.map((i) => xs[i.key]!));
      return Array.isArray(y) ? y : [y];
    },
    () => model.dispose(),
  );
}

function graphServable(model: GraphModel): Servable {
  const sig = model.modelSignature as
    | { inputs?: Record<string, { dtype?: string }>; outputs?: Record<string, { dtype?: string }> }
    | undefined;
  const inputs = model.inputNodes.map((key, i) =>
    spec(
      key,
      model.inputs[i]?.name ?? key,
      sig?.inputs?.[key]?.dtype ?? model.inputs[i]?.dtype,
      model.inputs[i]?.shape,
    ),
  );
  const outputs = model.outputNodes.map((key, i) =>
    spec(
      key,
      model.outputs[i]?.name ?? key,
      sig?.outputs?.[key]?.dtype ?? model.outputs[i]?.dtype,
      model.outputs[i]?.shape,
    ),
  );
  // execute() when the graph allows it: executeAsync() warns on every call for graphs without control flow.
  let dynamic = false;
  return tfjsServable(
    inputs,
    outputs,
    async (xs) => {
      let y: Tensor | Tensor[] | undefined;
      if (!dynamic) {
        try {
          y = model.execute(xs, model.outputNodes);
        } catch (err) {
          if (!/executeAsync/.test((err as Error).message)) throw err;
          dynamic = true;
        }
      }
      y ??= await model.executeAsync(xs, model.outputNodes);
      return Array.isArray(y) ? y : [y];
    },
    () => model.dispose(),
  );
}

function tfjsServable(
  inputs: TensorSpec[],
  outputs: TensorSpec[],
  run: (xs: Record<string, Tensor>) => Promise<Tensor[]>,
  dispose: () => void,
): Servable {
  const signatures = { serving_default: { methodName: 'tensorflow/serving/predict', inputs, outputs } };
  return {
    runtime: 'tfjs',
    signatures,
    async predict(signature, feeds, outputFilter) {
      const checked = checkPredictRequest(signatures, signature, feeds, outputFilter);
      const tf = loadTf();
      const xs: Record<string, Tensor> = {};
      let ys: Tensor[] = [];
      try {
        for (const i of inputs) xs[i.key] = toTfTensor(tf, i.key, feeds[i.key] as ServingTensor);
        ys = await run(xs).catch((err: Error) => {
          throw new ServingError('INVALID_ARGUMENT', err.message);
        });
        const result: Record<string, ServingTensor> = {};
        for (const o of checked.outputs) result[o.key] = await fromTfTensor(ys[outputs.indexOf(o)]!, o.dtype);
        return result;
      } finally {
        tf.dispose([...Object.values(xs), ...ys]);
      }
    },
    dispose,
  };
}
