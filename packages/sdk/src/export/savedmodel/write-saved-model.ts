/**
 * Writes a tfjs LayersModel as a TF1-style SavedModel that TensorFlow Serving loads natively
 * and Python TensorFlow 2.x loads with `tf.saved_model.load` (load_v1_in_v2):
 *
 * ```
 * <dir>/saved_model.pb                            SavedModel { MetaGraphDef tags ["serve"] }
 * <dir>/variables/variables.index                 TensorBundle index (one key per variable)
 * <dir>/variables/variables.data-00000-of-00001
 * ```
 *
 * No Python, no native addon: the graph is built op by op (../graph) and the weights go through
 * our TensorBundle writer.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { invalidValue } from '../../core/errors';
import { SDK_VERSION } from '../../core/version';
import { writeTensorBundle } from '../../formats/tensor-bundle/bundle-writer';
import { writeDirAtomic } from '../../io/atomic-dir';
import { buildModelGraph, type GraphSignatureTensor, type ServingInputFn } from '../graph/model-graph';
import { encodeSavedModel } from './saved-model-proto';
import { addSaverGraph } from './saver-graph';

/**
 * Options of {@link writeSavedModel}.
 *
 * @example
 * ```ts
 * await writeSavedModel(model, 'models/digits/1', { overwrite: true });
 * ```
 */
export interface WriteSavedModelOptions {
  /** Replace an existing `dir` (atomically). Default false: an existing `dir` is an error. */
  readonly overwrite?: boolean;
  /** MetaGraph tags. Default `['serve']` (what TF Serving and `tf.saved_model.load` look for). */
  readonly tags?: readonly string[];
  /** Signature key. Default `serving_default`. */
  readonly signatureKey?: string;
  /** A graph in front of the model whose placeholders are the signature's inputs (a fitted transform). */
  readonly servingInput?: ServingInputFn;
}

/**
 * What {@link writeSavedModel} wrote.
 *
 * @example
 * ```ts
 * const { files, inputs } = await writeSavedModel(model, dir); // inputs[0].key === 'x'
 * ```
 */
export interface WrittenSavedModel {
  /** Absolute path of the SavedModel folder. */
  readonly dir: string;
  /** Files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  /** The signature's inputs and outputs: key, graph tensor name, dtype, shape (-1 = unknown). */
  readonly inputs: readonly SignatureSummary[];
  readonly outputs: readonly SignatureSummary[];
}

/**
 * One signature input or output as written.
 *
 * @example
 * ```ts
 * const s: SignatureSummary = { key: 'x', name: 'x:0', dtype: 'float32', shape: [-1, 3] };
 * ```
 */
export interface SignatureSummary {
  readonly key: string;
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
}

/**
 * Exports `model` for inference as a SavedModel in `dir` (written to a temporary sibling and
 * renamed, so readers never see half a model). Throws `TFSCALE_E_EXPORT_UNSUPPORTED_LAYER` for
 * a layer, activation or option it cannot reproduce exactly, before writing anything.
 *
 * @example
 * ```ts
 * const written = await writeSavedModel(model, await nextVersionDir('models/digits'));
 * // tensorflow_model_server --model_base_path=$PWD/models/digits --rest_api_port=8501
 * ```
 */
export async function writeSavedModel(
  model: LayersModel,
  dir: string,
  options: WriteSavedModelOptions = {},
): Promise<WrittenSavedModel> {
  const target = path.resolve(dir);
  if (!options.overwrite && (await exists(target))) {
    throw invalidValue(
      'dir',
      dir,
      'a folder that does not exist yet',
      'pass { overwrite: true } or use nextVersionDir(base)',
    );
  }
  const { graph, inputs, outputs } = buildModelGraph(model, {
    format: 'savedmodel',
    ...(options.servingInput ? { servingInput: options.servingInput } : {}),
  });
  const saverDef = addSaverGraph(graph);
  const pb = encodeSavedModel({
    graphDef: graph.toGraphDef(),
    saverDef,
    inputs,
    outputs,
    tags: options.tags ?? ['serve'],
    signatureKey: options.signatureKey ?? 'serving_default',
    producer: `tfscale ${SDK_VERSION}`,
  });
  const files: string[] = [];
  await writeDirAtomic(target, async (tmp) => {
    await fs.writeFile(path.join(tmp, 'saved_model.pb'), pb);
    files.push('saved_model.pb');
    await fs.mkdir(path.join(tmp, 'variables'));
    if (graph.variables.length === 0) return;
    const written = await writeTensorBundle(
      path.join(tmp, 'variables', 'variables'),
      graph.variables.map((v) => ({
        name: v.name,
        dtype: v.dtype as 'float32' | 'int32',
        shape: v.shape,
        data: v.data,
      })),
    );
    files.push(...[written.indexPath, written.dataPath].map((p) => path.relative(tmp, p)));
  });
  let bytes = 0;
  for (const f of files) bytes += (await fs.stat(path.join(target, f))).size;
  return { dir: target, files: files.sort(), bytes, inputs: inputs.map(summary), outputs: outputs.map(summary) };
}

function summary(t: GraphSignatureTensor): SignatureSummary {
  return { key: t.key, name: t.tensor.name, dtype: t.tensor.dtype, shape: t.shape.map((d) => d ?? -1) };
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}
