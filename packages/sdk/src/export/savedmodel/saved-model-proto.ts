/**
 * The `saved_model.pb` message: one TF1-style MetaGraphDef (tags, GraphDef, SaverDef, one
 * predict SignatureDef; no object graph), encoded with protobufjs over `tensorflowRoot()`.
 */
import { tensorflowRoot } from '../../formats/proto/proto-root';
import { TF_DTYPE } from '../graph/attrs';
import type { GraphDefMessage } from '../graph/graph-builder';
import type { GraphSignatureTensor } from '../graph/model-graph';
import type { SaverDefMessage } from './saver-graph';

/**
 * The TensorFlow release whose loaders the written SavedModel is checked against; recorded in
 * `meta_info_def.tensorflow_version` (loaders read it only to tell pre-1.9 variables apart).
 *
 * @example
 * ```ts
 * TENSORFLOW_VERSION; // '2.21.0'
 * ```
 */
export const TENSORFLOW_VERSION = '2.21.0';

/**
 * Parts of a SavedModel.
 *
 * @example
 * ```ts
 * const parts: SavedModelParts = { graphDef, saverDef, inputs, outputs, tags: ['serve'], signatureKey: 'serving_default', producer: 'tfscale 0.1.0' };
 * ```
 */
export interface SavedModelParts {
  readonly graphDef: GraphDefMessage;
  readonly saverDef: SaverDefMessage | undefined;
  readonly inputs: readonly GraphSignatureTensor[];
  readonly outputs: readonly GraphSignatureTensor[];
  readonly tags: readonly string[];
  readonly signatureKey: string;
  /** Written as `tensorflow_git_version`, which names the producer of the graph. */
  readonly producer: string;
}

/**
 * TF Serving's Predict API method name (signature_constants.PREDICT_METHOD_NAME).
 *
 * @example
 * ```ts
 * PREDICT_METHOD_NAME; // 'tensorflow/serving/predict'
 * ```
 */
export const PREDICT_METHOD_NAME = 'tensorflow/serving/predict';

function tensorInfo(t: GraphSignatureTensor) {
  return {
    name: t.tensor.name,
    dtype: TF_DTYPE[t.tensor.dtype],
    tensorShape: { dim: t.shape.map((d) => ({ size: d ?? -1 })) },
  };
}

/**
 * Encodes a `tensorflow.SavedModel` (schema version 1) holding one MetaGraphDef.
 *
 * @example
 * ```ts
 * await fs.writeFile('saved_model.pb', encodeSavedModel(parts));
 * ```
 */
export function encodeSavedModel(parts: SavedModelParts): Uint8Array {
  const metaGraph = {
    metaInfoDef: {
      tags: [...parts.tags],
      tensorflowVersion: TENSORFLOW_VERSION,
      tensorflowGitVersion: parts.producer,
    },
    graphDef: parts.graphDef,
    ...(parts.saverDef ? { saverDef: parts.saverDef } : {}),
    signatureDef: {
      [parts.signatureKey]: {
        inputs: Object.fromEntries(parts.inputs.map((t) => [t.key, tensorInfo(t)])),
        outputs: Object.fromEntries(parts.outputs.map((t) => [t.key, tensorInfo(t)])),
        methodName: PREDICT_METHOD_NAME,
      },
    },
  };
  const type = tensorflowRoot().lookupType('tensorflow.SavedModel');
  return type.encode(type.fromObject({ savedModelSchemaVersion: 1, metaGraphs: [metaGraph] })).finish();
}

/**
 * A TensorInfo as {@link decodeSavedModel} returns it.
 *
 * @example
 * ```ts
 * const info: DecodedTensorInfo = { name: 'x:0', dtype: 1, tensorShape: { dim: [{ size: -1 }, { size: 3 }] } };
 * ```
 */
export interface DecodedTensorInfo {
  name?: string;
  dtype?: number;
  tensorShape?: { dim?: Array<{ size?: number }>; unknownRank?: boolean };
}

/**
 * A `saved_model.pb` as {@link decodeSavedModel} returns it (the fields tfscale models; others
 * are dropped).
 *
 * @example
 * ```ts
 * const tags = decoded.metaGraphs[0]!.metaInfoDef.tags;
 * ```
 */
export interface DecodedSavedModel {
  savedModelSchemaVersion?: number;
  metaGraphs: Array<{
    metaInfoDef: { tags: string[]; tensorflowVersion?: string; tensorflowGitVersion?: string };
    graphDef: {
      node: Array<{ name: string; op: string; input: string[]; device?: string; attr: Record<string, unknown> }>;
      versions?: { producer?: number; minConsumer?: number };
    };
    saverDef?: SaverDefMessage;
    signatureDef: Record<
      string,
      { inputs: Record<string, DecodedTensorInfo>; outputs: Record<string, DecodedTensorInfo>; methodName?: string }
    >;
  }>;
}

/**
 * Decodes a `saved_model.pb` into a plain object (enums and int64 as numbers, bytes as Buffers),
 * for tests and for tools that read signatures.
 *
 * @example
 * ```ts
 * const sm = decodeSavedModel(await fs.readFile('saved_model.pb'));
 * sm.metaGraphs[0]!.signatureDef.serving_default!.inputs;
 * ```
 */
export function decodeSavedModel(bytes: Uint8Array): DecodedSavedModel {
  const type = tensorflowRoot().lookupType('tensorflow.SavedModel');
  const options = { longs: Number, defaults: false, arrays: true, objects: true };
  return type.toObject(type.decode(bytes), options) as unknown as DecodedSavedModel;
}
