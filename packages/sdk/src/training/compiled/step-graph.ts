/**
 * Builds the graph of one training step: the model's forward pass (the SavedModel graph builder),
 * loss and metrics as tfjs computes them, symbolic gradients (TensorFlow's C++ gradient registry,
 * through the addon) and the optimizer update. Updates are built on gradient placeholders; for
 * the one-call step their consumers are rewired to the gradient tensors, for a strategy's
 * all-reduce the placeholders stay and are fed.
 */
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs';
import { attrValue, type GraphDType } from '../../export/graph/attrs';
import type { GraphDefMessage, GraphVariable, TensorRef } from '../../export/graph/graph-builder';
import { buildModelGraph } from '../../export/graph/model-graph';
import { tensorflowRoot } from '../../formats/proto/proto-root';
import type { GraphAddon } from './addon';
import { graphMetric, meanAll } from './loss-graph';
import type { OptimizerPlan } from './optimizer-graph';

/** A variable whose value moves between the tfjs model/optimizer and the session. */
export interface StateVariable {
  readonly variable: GraphVariable;
  /** Placeholder fed when pushing the tfjs value in. */
  readonly init: string;
  /** Fresh read fetched when pulling the value out. */
  readonly read: string;
  readonly owner:
    | { kind: 'weight'; weight: LayerVariable }
    | { kind: 'slot'; slot: number; index: number }
    | { kind: 'global'; field: string };
}

/** The built step graph and the names the runner feeds, fetches and runs. */
export interface StepGraph {
  readonly graphDef: Uint8Array;
  readonly inputs: ReadonlyArray<{ name: string; dtype: GraphDType }>;
  readonly targets: ReadonlyArray<{ name: string; dtype: GraphDType }>;
  readonly lr: string;
  /** Loss then metrics, aligned with the Trainer's names. */
  readonly values: readonly string[];
  /** Gradient per trainable weight (fetched in split mode). */
  readonly grads: readonly string[];
  /** Gradient placeholders (fed in split mode). */
  readonly gradFeeds: readonly string[];
  readonly train: string;
  readonly push: string;
  readonly state: readonly StateVariable[];
}

type Fn = (yTrue: unknown, yPred: unknown) => unknown;

/** Losses and metrics of a compiled tfjs model (on the functional model a Sequential wraps). */
export function compiledFunctions(model: LayersModel): { losses: Fn[]; metrics: Array<[Fn, number]> } {
  type C = { lossFunctions?: Fn[]; metricsTensors?: Array<[Fn, number]>; model?: C };
  const m = model as unknown as C;
  const c = m.lossFunctions ? m : (m.model ?? m);
  return { losses: c.lossFunctions ?? [], metrics: c.metricsTensors ?? [] };
}

/**
 * Builds and differentiates the step graph. `split`: keep gradient placeholders (strategy mode).
 * Throws (a plain or coded error) when a part is not covered; the caller falls back to eager.
 * @example
 *   const step = buildStepGraph(addon, model, plan, [{ dtype: 'float32', rank: 2 }], false);
 */
export function buildStepGraph(
  addon: GraphAddon,
  model: LayersModel,
  plan: OptimizerPlan,
  targetSpecs: ReadonlyArray<{ dtype: GraphDType; rank: number }>,
  split: boolean,
): StepGraph {
  const { graph: g, inputs, outputs, weights } = buildModelGraph(model, { format: 'compiled train step' });
  const fns = compiledFunctions(model);
  const targets = targetSpecs.map((t, i) => g.placeholder(`target_${i}`, t.dtype, Array(t.rank).fill(null)));
  const { loss, values } = g.withScope('loss', () => {
    let total: TensorRef | undefined;
    for (const [i, fn] of fns.losses.entries()) {
      const l = graphMetric(fn)!(g, targets[i]!, outputs[i]!.tensor);
      total = total ? g.op1('AddV2', [total, l]) : l;
    }
    const rank = outputs[0]!.shape.length - 1;
    const loss = meanAll(g, total!, rank);
    const metrics = fns.metrics.map(([fn, out]) =>
      meanAll(g, graphMetric(fn)!(g, targets[out]!, outputs[out]!.tensor), outputs[out]!.shape.length - 1),
    );
    return { loss, values: [loss, ...metrics] };
  });

  const byWeight = new Map<LayerVariable, GraphVariable>();
  for (const [v, w] of weights) byWeight.set(w as LayerVariable, v);
  const trainable = model.trainableWeights.map((w) => {
    const v = byWeight.get(w);
    if (!v) throw new Error(`trainable weight ${w.name} is not used by the model's graph`);
    return v;
  });
  const nodes = g.toGraphDef().node;
  const readsOf = (v: GraphVariable) =>
    nodes.filter((n) => n.op === 'ReadVariableOp' && n.input[0] === v.handle.node).map((n) => `${n.name}:0`);

  const state: StateVariable[] = [];
  const addState = (variable: GraphVariable, owner: StateVariable['owner']) => {
    const init = g.placeholder(`push/${variable.name}`, variable.dtype, variable.shape);
    const assign = g.target('AssignVariableOp', [variable.handle, init], {}, { name: `push/assign` });
    const read = g.withScope('pull', () => g.read(variable));
    state.push({ variable, init: init.name, read: read.name, owner });
    return assign;
  };
  const pushOps = [...weights.entries()].map(([v, w]) => addState(v, { kind: 'weight', weight: w as LayerVariable }));

  const lr = g.placeholder('learning_rate', 'float32', []);
  const assigns: string[] = [];
  const gradFeeds: string[] = [];
  const globals = plan.globals.map((field) => {
    const v = g.variable(`optimizer/${field}`, 'float32', [], new Float32Array(1));
    pushOps.push(addState(v, { kind: 'global', field }));
    return { v, read: g.read(v) };
  });
  g.withScope('update', () => {
    for (const [index, v] of trainable.entries()) {
      const grad = g.placeholder(`grad_${index}`, 'float32', v.shape);
      gradFeeds.push(grad.name);
      const slots = plan.slots.map((kind, slot) => {
        const sv = g.variable(`${v.name}/${kind.suffix}`, 'float32', v.shape, new Float32Array(0));
        pushOps.push(addState(sv, { kind: 'slot', slot, index }));
        return sv;
      });
      const reads = readsOf(v);
      const value = g.read(v);
      const next = plan.update(g, {
        value,
        grad,
        slots: slots.map((s) => g.read(s)),
        globals: globals.map((x) => x.read),
        lr,
      });
      // Every read of the variable (shared layers read it more than once) happens before the write.
      const control = reads.map((r) => r.split(':')[0]!);
      assigns.push(g.target('AssignVariableOp', [v.handle, next.value], {}, { control }));
      for (const [i, s] of slots.entries()) assigns.push(g.target('AssignVariableOp', [s.handle, next.slots[i]!]));
    }
    const nextGlobals = plan.updateGlobals(
      g,
      globals.map((x) => x.read),
    );
    for (const [i, x] of globals.entries()) assigns.push(g.target('AssignVariableOp', [x.v.handle, nextGlobals[i]!]));
  });
  const train = g.target('NoOp', [], {}, { name: 'train', control: assigns });
  const push = g.target('NoOp', [], {}, { name: 'push_all', control: pushOps });

  const reads = trainable.map(readsOf);
  const GraphDef = tensorflowRoot().lookupType('tensorflow.GraphDef');
  const bytes = GraphDef.encode(GraphDef.fromObject(g.toGraphDef())).finish();
  const diff = addon.differentiate(bytes, [loss.name], reads.flat(), 'gradients');
  const def = GraphDef.toObject(GraphDef.decode(diff.graphDef), { defaults: false }) as GraphDefMessage;
  let k = 0;
  const grads = reads.map((rs, index) => {
    const parts = rs.map(() => diff.grads[k++]!);
    if (parts.some((p) => !p)) throw new Error(`no gradient reaches ${trainable[index]!.name}`);
    if (parts.length === 1) return parts[0]!;
    const name = `gradients/sum_${index}`;
    def.node.push({
      name,
      op: 'AddN',
      input: parts.map(inputName),
      attr: { N: attrValue.i(parts.length), T: attrValue.type('float32') },
    });
    return `${name}:0`;
  });
  if (!split) {
    // Rewire the update from the gradient placeholders to the gradients themselves.
    const to = new Map(gradFeeds.map((p, i) => [p.replace(/:0$/, ''), inputName(grads[i]!)]));
    for (const node of def.node) node.input = (node.input ?? []).map((i) => to.get(i) ?? i);
  }
  return {
    graphDef: GraphDef.encode(GraphDef.fromObject(def)).finish(),
    inputs: inputs.map((i) => ({ name: i.tensor.name, dtype: i.tensor.dtype })),
    targets: targets.map((t) => ({ name: t.name, dtype: t.dtype })),
    lr: lr.name,
    values: values.map((v) => v.name),
    grads,
    gradFeeds,
    train,
    push,
    state,
  };
}

/** A tensor name as a NodeDef input (`node` for output 0). */
function inputName(tensor: string): string {
  return tensor.endsWith(':0') ? tensor.slice(0, -2) : tensor;
}
