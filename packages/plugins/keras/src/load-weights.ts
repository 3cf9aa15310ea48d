/**
 * Weights from a Keras file into the tfjs layers built for it. Keras 3 `model.weights.h5`
 * addresses variables by position (`layers/<snake_name>/vars/<i>`, see `saveables`); legacy `.h5`
 * by name (`model_weights/<layer>/<weight_names[i]>`, e.g. `dense/kernel:0`).
 */
import type { layers } from '@tensorflow/tfjs';
import type { Tf } from '@tfscale/sdk';
import { badFile, importError } from './errors';
import { attrString, attrStrings, getGroup, type H5Group, readFloat32 } from './h5';
import type { KModel, KOp, Saveable } from './keras-graph';
import type { Json } from './keras-json';
import { KERAS_VARIABLE_ALIASES, shortName, variableOrder } from './layer-variables';

type Layer = layers.Layer;
type Values = { data: Float32Array; shape: number[] };

/**
 * Loads Keras 3 weights (`model.weights.h5` of a `.keras` archive) into the layers at `slots`
 * (`saveables` of the parsed model). The `name` attribute Keras writes on each `vars` group
 * must match the layer found at that path.
 *
 * @example
 * ```ts
 * await withH5Bytes(weightsBytes, (f) => loadKeras3Weights(tf, f, saveables(parsed), built.layers, 'm.keras'));
 * ```
 */
export function loadKeras3Weights(
  tf: Tf,
  f: H5Group,
  slots: readonly Saveable[],
  made: Map<KOp, Layer>,
  file: string,
): void {
  // Files written by tf.keras 2.13 name the layer list `_layer_checkpoint_dependencies`.
  const legacyNames = getGroup(f, '_layer_checkpoint_dependencies') !== undefined;
  for (const s of slots) {
    const layer = s.op && made.get(s.op);
    if (!s.op || !layer) continue;
    const p = `${s.path}/vars`;
    const vars =
      getGroup(f, p) ??
      (legacyNames ? getGroup(f, p.replace(/\blayers\b/g, '_layer_checkpoint_dependencies')) : undefined);
    const stored = vars && attrString(vars, 'name');
    if (stored !== undefined && stored !== s.name) {
      throw badFile(file, `weights group ${p} belongs to layer ${stored}, expected ${s.name}`);
    }
    const keys = vars
      ? vars
          .keys()
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
      : [];
    const values = keys.map((k) => readFloat32(vars!, k)!);
    const order = variableOrder(s.op.className, layer.getConfig() as Json);
    if (values.length !== order.length || values.some((v) => !v)) {
      throw badFile(file, `layer ${s.name} has ${values.length} stored variables at ${p}, expected ${order.length}`);
    }
    setWeights(tf, layer, s.op, new Map(order.map((n, i) => [n, values[i]!])), file);
  }
}

/**
 * Loads legacy `.h5` weights (`model_weights` of `model.save('x.h5')`, Keras 3 or tf.keras 2).
 *
 * @example
 * ```ts
 * await withH5File('m.h5', (f) => loadLegacyWeights(tf, getGroup(f, 'model_weights')!, parsed, built.layers, 'm.h5'));
 * ```
 */
export function loadLegacyWeights(tf: Tf, root: H5Group, model: KModel, made: Map<KOp, Layer>, file: string): void {
  for (const op of model.ops) {
    if (op.kind === 'input' || op.kind === 'op') continue;
    const group = getGroup(root, op.name);
    const names = group ? attrStrings(group, 'weight_names') : [];
    const values = names.map((n) => {
      const v = readFloat32(group!, n);
      if (!v) throw badFile(file, `weight ${op.name}/${n} is missing`);
      return { name: n, value: v };
    });
    if (op.kind === 'model') {
      // Nested model: `<sublayer>/<weight>` (tf.keras 2) or `<model>/<sublayer>/<weight>` (Keras 3).
      const bySub = new Map<string, Map<string, Values>>();
      for (const { name, value } of values) {
        const parts = name.split('/');
        const sub = parts.at(-2) ?? '';
        bySub.set(sub, (bySub.get(sub) ?? new Map()).set(shortName(name), value));
      }
      for (const [sub, named] of bySub) {
        const inner = findLayer(op.model!, sub);
        const layer = inner && made.get(inner);
        if (!inner || !layer) throw badFile(file, `weights for ${op.name}/${sub}, a layer the model does not have`);
        setWeights(tf, layer, inner, named, file);
      }
      continue;
    }
    const layer = made.get(op);
    if (!layer) continue;
    setWeights(tf, layer, op, new Map(values.map(({ name, value }) => [shortName(name), value])), file);
  }
}

function findLayer(model: KModel, name: string): KOp | undefined {
  for (const op of model.ops) {
    if (op.kind === 'layer' && op.name === name) return op;
    const inner = op.kind === 'model' ? findLayer(op.model!, name) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

/** Assigns values by tfjs short weight name (Keras spellings mapped), checking count and shapes. */
function setWeights(tf: Tf, layer: Layer, op: KOp, named: Map<string, Values>, file: string): void {
  const aliases = KERAS_VARIABLE_ALIASES[op.className] ?? {};
  const byName = new Map([...named].map(([n, v]) => [aliases[n] ?? n, v]));
  const weights = layer.weights;
  if (weights.length !== byName.size) {
    throw badFile(file, `layer ${op.name} has ${byName.size} stored weights, the rebuilt layer ${weights.length}`);
  }
  const tensors = weights.map((w) => {
    const v = byName.get(shortName(w.originalName));
    if (!v) throw badFile(file, `layer ${op.name} has no stored weight ${shortName(w.originalName)}`);
    if (v.shape.join() !== w.shape.join()) {
      throw importError(op.name, op.className, shortName(w.originalName), v.shape, `shape [${w.shape.join(', ')}]`);
    }
    return tf.tensor(v.data, v.shape, 'float32');
  });
  layer.setWeights(tensors);
  for (const t of tensors) t.dispose();
}
