/**
 * Import: `keras.ops` chains that compute one tfjs activation become that activation — the
 * chains this plugin writes for tfjs activations Keras has no function for (ACTIVATIONS_TO_KERAS),
 * and `keras.ops.gelu(x, approximate=False)`. Runs after the weight paths are computed: ops are
 * not layers, but they count in Keras' layer order.
 */
import { ACTIVATIONS_TO_KERAS, type KerasOpStep } from './activations';
import type { KModel, KNode, KOp, KTensor } from './keras-graph';

const CHAINS: readonly { activation: string; steps: readonly KerasOpStep[] }[] = [
  ...Object.entries(ACTIVATIONS_TO_KERAS).flatMap(([activation, steps]) =>
    typeof steps === 'string' ? [] : [{ activation, steps }],
  ),
  {
    activation: 'gelu',
    steps: [{ module: 'keras.src.ops.nn', className: 'Gelu', config: { approximate: false }, args: [], suffix: '' }],
  },
];

/**
 * Marks every recognized chain in `model` (and its nested models): the last op gets
 * `activation` and takes the chain's input, the others are `absorbed`.
 *
 * @example
 * ```ts
 * fuseActivationOps(parsed); // Multiply(0.2) → Add(0.5) → Clip(0, 1) becomes hardSigmoid
 * ```
 */
export function fuseActivationOps(model: KModel): void {
  for (const op of model.ops) if (op.kind === 'model') fuseActivationOps(op.model!);
  if (model.kind !== 'Functional') return;
  // Who reads each op's output: an inner op of a chain must feed only the next op of the chain.
  const consumers = new Map<KOp, (KOp | 'output')[]>();
  const use = (t: KTensor, by: KOp | 'output') => consumers.set(t.op, [...(consumers.get(t.op) ?? []), by]);
  for (const op of model.ops) for (const node of op.nodes) for (const t of node.inputs) use(t, op);
  for (const t of model.outputs) use(t, 'output');

  for (const head of model.ops) {
    if (head.kind !== 'op' || head.absorbed || head.activation) continue;
    for (const { activation, steps } of CHAINS) {
      const chain: KOp[] = [];
      let op: KOp | undefined = head;
      for (const [i, step] of steps.entries()) {
        if (!op || !matches(op, step, chain.at(-1))) break;
        chain.push(op);
        const next: (KOp | 'output')[] = consumers.get(op) ?? [];
        op = i < steps.length - 1 && next.length === 1 && next[0] !== 'output' ? next[0] : undefined;
      }
      if (chain.length !== steps.length) continue;
      const input = head.nodes[0]!.inputs[0]!;
      const tail = chain.at(-1)!;
      tail.nodes[0] = { args: [input], inputs: [input] } satisfies KNode;
      tail.activation = activation;
      for (const inner of chain.slice(0, -1)) inner.absorbed = true;
      break;
    }
  }
}

/** One op with one node, called as (previous op's output | any tensor, ...step.args). */
function matches(op: KOp, step: KerasOpStep, previous: KOp | undefined): boolean {
  if (op.kind !== 'op' || op.className !== step.className || op.module !== step.module || op.nodes.length !== 1) {
    return false;
  }
  const keys = Object.keys(op.config).filter((k) => k !== 'name');
  if (keys.length !== Object.keys(step.config).length) return false;
  if (keys.some((k) => JSON.stringify(op.config[k]) !== JSON.stringify(step.config[k]))) return false;
  const [x, ...rest] = op.nodes[0]!.args;
  const tensor = typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as KTensor) : undefined;
  if (!tensor || (previous && tensor.op !== previous)) return false;
  return rest.length === step.args.length && rest.every((a, i) => a === step.args[i]);
}
