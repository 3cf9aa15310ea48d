import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs';
import { NativeBackend } from '../backend/native-backend';
import { packageDir } from '../backend/native-status';
import { loadTf } from '../backend/tf';
import { TfscaleError } from '../core/errors';

/** One input or output of a signature. */
export interface SignatureTensor {
  /** The signature's key for it (what REST and gRPC requests name). */
  key: string;
  /** The graph tensor, e.g. `serving_default_x:0`. */
  name: string;
  dtype: string;
  /** -1 for unknown dimensions. */
  shape: number[];
}

/** A SavedModel loaded into TensorFlow through the native backend. */
export interface LoadedSavedModel {
  readonly dir: string;
  readonly tags: string[];
  readonly signature: string;
  readonly inputs: SignatureTensor[];
  readonly outputs: SignatureTensor[];
  /** Runs the signature; inputs and outputs by signature key. */
  predict(inputs: NamedTensorMap): NamedTensorMap;
  dispose(): void;
}

interface TfNode {
  node: {
    loadSavedModel(
      path: string,
      tags?: string[],
      signature?: string,
    ): Promise<{ predict(x: NamedTensorMap | Tensor): NamedTensorMap | Tensor; dispose(): void }>;
    getMetaGraphsFromSavedModel(path: string): Promise<
      Array<{
        tags: string[];
        signatureDefs: Record<string, { inputs: Record<string, RawInfo>; outputs: Record<string, RawInfo> }>;
      }>
    >;
  };
}

/** tfjs-node reports dims as google-protobuf `TensorShapeProto.Dim` messages. */
type RawDim = number | { getSize(): number };

interface RawInfo {
  name: string;
  dtype: string;
  shape: RawDim[];
}

/**
 * Loads a SavedModel (written by Python TensorFlow, e.g. Keras `model.export`, or by tfscale)
 * for prediction. TensorFlow itself executes it, so this needs the native backend; without it
 * the error says which backend is active and how to get native.
 * @example
 *   const sm = await loadSavedModel('models/digits/1');
 *   const { output_0 } = sm.predict({ inputs: tf.zeros([1, 64]) });
 */
export async function loadSavedModel(
  dir: string,
  options: { tags?: string[]; signature?: string } = {},
): Promise<LoadedSavedModel> {
  const tags = options.tags ?? ['serve'];
  const signature = options.signature ?? 'serving_default';
  const native = new NativeBackend(false);
  const availability = await native.probe();
  if (!availability.available) {
    throw new TfscaleError(
      'TFSCALE_E_BACKEND_UNAVAILABLE',
      `Loading a SavedModel needs the native TensorFlow backend (@tensorflow/tfjs-node), which is unavailable: ${availability.reason}.`,
      { hint: availability.fix ?? 'npx tfscale setup-native' },
    );
  }
  const tf = loadTf();
  if (tf.getBackend() !== 'tensorflow') await native.activate();
  const tfnode = require(packageDir('@tensorflow/tfjs-node') ?? '@tensorflow/tfjs-node') as TfNode;
  const metas = await tfnode.node.getMetaGraphsFromSavedModel(dir);
  const meta = metas.find((m) => tags.every((t) => m.tags.includes(t)));
  const def = meta?.signatureDefs[signature];
  if (!meta || !def) {
    const available = metas.map((m) => `[${m.tags.join(',')}]: ${Object.keys(m.signatureDefs).join(', ')}`).join('; ');
    throw new TfscaleError(
      'TFSCALE_E_INVALID_VALUE',
      `The SavedModel in ${dir} has no signature "${signature}" under tags [${tags.join(',')}]. It has: ${available || 'none'}.`,
    );
  }
  const model = await tfnode.node.loadSavedModel(dir, tags, signature);
  const infos = (m: Record<string, RawInfo>) =>
    Object.entries(m).map(([key, info]) => ({
      key,
      name: info.name,
      dtype: info.dtype,
      shape: info.shape.map((d) => (typeof d === 'number' ? d : Number(d.getSize()))),
    }));
  const inputs = infos(def.inputs);
  const outputs = infos(def.outputs);
  return {
    dir,
    tags,
    signature,
    inputs,
    outputs,
    predict(x: NamedTensorMap): NamedTensorMap {
      const y = model.predict(x);
      // tfjs-node returns a bare tensor for single-output signatures; callers always get a map.
      return y instanceof Object && 'dataSync' in y ? { [outputs[0].key]: y as Tensor } : (y as NamedTensorMap);
    },
    dispose: () => model.dispose(),
  };
}
