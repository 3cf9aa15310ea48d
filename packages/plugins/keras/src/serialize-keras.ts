/**
 * A {@link KModel} as Keras 3's `config.json`: `Sequential` (a layer list) or `Functional`
 * (layers with `inbound_nodes` of `__keras_tensor__` arguments, `input_layers`, `output_layers`).
 */
import { isFunctionalOp, type KArg, type KModel, type KOp, type KTensor } from './keras-graph';
import { float32Policy, type Json, type KerasObject } from './keras-json';

/**
 * The serialized model (the whole `config.json`).
 *
 * @example
 * ```ts
 * fs.writeFileSync('config.json', JSON.stringify(serializeModel(model)));
 * ```
 */
export function serializeModel(model: KModel): KerasObject {
  if (model.kind === 'Sequential') {
    const input = model.ops[0]!;
    const shape = input.config.batch_shape;
    return {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: model.name,
        trainable: model.trainable,
        dtype: float32Policy(),
        layers: model.ops.map(serializeOp),
        build_input_shape: shape,
      },
      registered_name: null,
      build_config: { input_shape: shape },
    };
  }
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: model.name,
      trainable: model.trainable,
      layers: model.ops.map((op) => ({
        ...serializeOp(op),
        name: op.name,
        inbound_nodes:
          op.kind === 'input' ? [] : op.nodes.map((node) => ({ args: node.args.map(serializeArg), kwargs: {} })),
      })),
      input_layers: refs(model.inputs),
      output_layers: refs(model.outputs),
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

function serializeOp(op: KOp): KerasObject {
  if (op.kind === 'model') return serializeModel(op.model!);
  return { module: op.module, class_name: op.className, config: op.config, registered_name: op.registeredName };
}

function serializeArg(arg: KArg): unknown {
  if (Array.isArray(arg)) return arg.map(serializeArg);
  if (arg !== null && typeof arg === 'object') {
    const t = arg as KTensor;
    return {
      class_name: '__keras_tensor__',
      config: { shape: t.shape, dtype: t.dtype, keras_history: [t.op.name, t.node, t.index] },
    };
  }
  return arg;
}

/** `[name, node, index]`, or a list of them for several; a Functional op's node counts its own. */
function refs(tensors: readonly KTensor[]): unknown {
  const list = tensors.map((t) => [t.op.name, t.node + (isFunctionalOp(t.op) ? 1 : 0), t.index]);
  return list.length === 1 ? list[0] : list;
}

/**
 * A Keras 3 InputLayer config.
 *
 * @example
 * ```ts
 * inputLayerConfig('image', [null, 28, 28, 1], 'float32');
 * ```
 */
export function inputLayerConfig(name: string, batchShape: readonly (number | null)[], dtype: string): Json {
  return { batch_shape: batchShape, dtype, sparse: false, name };
}
