/**
 * A Keras model as a graph of operations (layers, nested models, `keras.ops` calls) and their
 * call nodes — what both directions translate through — plus the two Keras rules that place
 * weights in `model.weights.h5`: the order of `model.layers` (Keras' `map_graph`, ported from
 * keras/src/ops/function.py) and the snake_case group names (keras/src/saving/saving_lib.py).
 */
import { type Json, toSnakeCase } from './keras-json';

/**
 * One output of one call node: Keras' `keras_history` (operation, node index, tensor index).
 * Node indices count only the nodes of the model being described, as Keras serializes them.
 *
 * @example
 * ```ts
 * const t: KTensor = { op: dense, node: 0, index: 0, shape: [null, 3], dtype: 'float32' };
 * ```
 */
export interface KTensor {
  readonly op: KOp;
  readonly node: number;
  readonly index: number;
  readonly shape: readonly (number | null)[];
  readonly dtype: string;
}

/**
 * A call argument: a tensor, a list of them, or a constant (for ops).
 *
 * @example
 * ```ts
 * const args: KArg[] = [tensor, 0.5]; // ops.add(x, 0.5)
 * ```
 */
export type KArg = KTensor | readonly KArg[] | number | string | boolean | null;

/**
 * One call of an operation.
 *
 * @example
 * ```ts
 * const node: KNode = { args: [[a, b]], inputs: [a, b] };
 * ```
 */
export interface KNode {
  readonly args: readonly KArg[];
  /** The tensors among `args`, flattened in order (Keras' `node.input_tensors`). */
  readonly inputs: readonly KTensor[];
}

/**
 * The kind of a graph operation.
 *
 * @example
 * ```ts
 * const kind: KOpKind = 'layer';
 * ```
 */
export type KOpKind = 'input' | 'layer' | 'model' | 'op';

/**
 * One operation of a model: a layer, an input, a nested model or a `keras.ops` call.
 *
 * @example
 * ```ts
 * const op: KOp = { name: 'd', kind: 'layer', className: 'Dense', module: 'keras.layers', registeredName: null, config: {}, nodes: [] };
 * ```
 */
export interface KOp {
  readonly name: string;
  readonly kind: KOpKind;
  /** Keras `class_name`: Dense, InputLayer, Sequential, Functional, Gelu, … */
  readonly className: string;
  readonly module: string;
  readonly registeredName: string | null;
  /** The Keras layer config (`config` of the serialized layer); unused for 'model'. */
  readonly config: Json;
  readonly model?: KModel;
  readonly nodes: KNode[];
  /** Import: a `keras.ops` chain ending here computes this tfjs activation (see fuse-ops.ts). */
  activation?: string;
  /** Import: an inner op of such a chain, computed by the chain's last op. */
  absorbed?: boolean;
}

/**
 * A Sequential (ops in order, the first an InputLayer) or Functional model.
 *
 * @example
 * ```ts
 * const order = kerasLayers(model).map((op) => op.name);
 * ```
 */
export interface KModel {
  readonly kind: 'Sequential' | 'Functional';
  readonly name: string;
  readonly trainable: boolean;
  readonly ops: readonly KOp[];
  readonly inputs: readonly KTensor[];
  readonly outputs: readonly KTensor[];
}

/**
 * True for operations whose serialized output references count Keras' built-in node
 * (Keras 3 `Functional`: `output_layers` indices are one higher).
 *
 * @example
 * ```ts
 * isFunctionalOp(op) ? node + 1 : node;
 * ```
 */
export function isFunctionalOp(op: KOp): boolean {
  return op.kind === 'model' && op.model?.kind === 'Functional';
}

/**
 * `model.layers` as Keras computes it: for Sequential the ops after the InputLayer; for
 * Functional every layer of the graph by decreasing depth, ties in depth-first traversal order
 * from the outputs (Keras' `map_graph`), with `keras.ops` calls left out.
 *
 * @example
 * ```ts
 * kerasLayers(model).map((op) => op.name); // ['a', 'b', 'shared', 'add', …]
 * ```
 */
export function kerasLayers(model: KModel): KOp[] {
  if (model.kind === 'Sequential') return model.ops.filter((op) => op.kind !== 'input');
  return mapGraph(model).filter((op) => op.kind !== 'op');
}

function mapGraph(model: KModel): KOp[] {
  const finished = new Set<KNode>();
  const inProgress = new Set<KNode>();
  const ordered: { op: KOp; node: KNode }[] = [];
  const traversal = new Map<KOp, number>();
  const visit = (root: KTensor): void => {
    // Iterative depth-first search with the recursion's visiting order (deep graphs).
    const stack: { t: KTensor; next: number }[] = [{ t: root, next: -1 }];
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const node = nodeOf(top.t);
      if (top.next === -1) {
        if (finished.has(node)) {
          stack.pop();
          continue;
        }
        if (inProgress.has(node)) throw new Error(`Keras graph has a cycle at ${top.t.op.name}`);
        if (!traversal.has(top.t.op)) traversal.set(top.t.op, traversal.size);
        inProgress.add(node);
        top.next = 0;
      }
      const inputs = top.t.op.kind === 'input' ? [] : node.inputs;
      if (top.next < inputs.length) {
        stack.push({ t: inputs[top.next++]!, next: -1 });
        continue;
      }
      finished.add(node);
      inProgress.delete(node);
      ordered.push({ op: top.t.op, node });
      stack.pop();
    }
  };
  for (const t of model.outputs) visit(t);

  const inGraph = new Set(ordered.map((o) => o.node));
  const nodeDepth = new Map<KNode, number>();
  const opDepth = new Map<KOp, number>();
  for (const { op, node } of [...ordered].reverse()) {
    if (!nodeDepth.has(node)) nodeDepth.set(node, 0);
    const depth = Math.max(nodeDepth.get(node)!, opDepth.get(op) ?? 0);
    opDepth.set(op, depth);
    nodeDepth.set(node, depth);
    for (const t of op.kind === 'input' ? [] : node.inputs) {
      const parent = nodeOf(t);
      if (inGraph.has(parent)) nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  for (const t of model.inputs) {
    if (!opDepth.has(t.op)) {
      opDepth.set(t.op, 0);
      traversal.set(t.op, -1);
    }
  }
  const byDepth = new Map<number, KOp[]>();
  for (const [op, depth] of opDepth) byDepth.set(depth, [...(byDepth.get(depth) ?? []), op]);
  return [...byDepth.keys()]
    .sort((a, b) => b - a)
    .flatMap((d) => byDepth.get(d)!.sort((a, b) => traversal.get(a)! - traversal.get(b)!));
}

/**
 * The node a tensor comes from.
 *
 * @example
 * ```ts
 * const node = nodeOf(tensor);
 * ```
 */
export function nodeOf(t: KTensor): KNode {
  const node = t.op.nodes[t.node];
  if (!node) throw new Error(`Keras graph: ${t.op.name} has no node ${t.node}`);
  return node;
}

/**
 * One saveable of `model.weights.h5`: its variables live in `<path>/vars` (`vars` for the
 * top model).
 *
 * @example
 * ```ts
 * const s: Saveable = { path: 'layers/dense_1', name: 'logits', op };
 * ```
 */
export interface Saveable {
  readonly path: string;
  /** The layer or model name (Keras writes it as the `name` attribute of `vars`). */
  readonly name: string;
  /** The layer; absent for models. */
  readonly op?: KOp;
}

/**
 * Every saveable of a model with its group path, as Keras' saving_lib names them: a model, then
 * under `layers/` each of {@link kerasLayers} named by its class in snake_case, numbered
 * `_1`, `_2`… on repeats; nested models recurse.
 *
 * @example
 * ```ts
 * saveables(model).map((s) => s.path); // ['', 'layers/input_layer', 'layers/dense', 'layers/dense_1']
 * ```
 */
export function saveables(model: KModel, prefix = ''): Saveable[] {
  const out: Saveable[] = [{ path: prefix, name: model.name }];
  const used = new Map<string, number>();
  for (const op of kerasLayers(model)) {
    const base = toSnakeCase(op.kind === 'model' ? op.model!.kind : op.className);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    const path = `${prefix ? `${prefix}/` : ''}layers/${count === undefined ? base : `${base}_${count + 1}`}`;
    if (op.kind === 'model') out.push(...saveables(op.model!, path));
    else out.push({ path, name: op.name, op });
  }
  return out;
}
