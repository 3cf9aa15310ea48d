/**
 * tfjs-core's optimizer updates (SGD, Momentum incl. Nesterov, Adam, RMSProp incl. centered) as
 * TensorFlow ops, in tfjs' formula order and with its float32 constants, so K compiled steps end
 * where K eager steps end. Slots (tfjs' per-variable accumulators) live in graph variables and are
 * copied to and from the tfjs optimizer when the model is synced.
 */
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { GraphBuilder, TensorRef } from '../../export/graph/graph-builder';

/** One slot kind: the tfjs optimizer field holding `{ originalName, variable }[]` and its name suffix. */
export interface SlotKind {
  readonly field: string;
  readonly suffix: string;
}

/** The inputs of one variable's update. */
export interface UpdateInputs {
  readonly value: TensorRef;
  readonly grad: TensorRef;
  /** Current slot values, in {@link OptimizerPlan.slots} order. */
  readonly slots: readonly TensorRef[];
  /** Reads of the plan's scalar globals (Adam's accBeta1/2). */
  readonly globals: readonly TensorRef[];
  /** Learning rate, fed each step (callbacks may change it). */
  readonly lr: TensorRef;
}

/**
 * How to update with one tfjs optimizer.
 * @example
 *   const plan = optimizerPlan(model.optimizer); // { kind: 'Adam', slots: [m, v], … }
 */
export interface OptimizerPlan {
  readonly kind: string;
  readonly slots: readonly SlotKind[];
  /** Scalar tfjs Variables on the optimizer (field names), updated once per step. */
  readonly globals: readonly string[];
  /** Per variable: new value and new slot values. */
  update(g: GraphBuilder, u: UpdateInputs): { value: TensorRef; slots: TensorRef[] };
  /** New values of the globals, from their reads. */
  updateGlobals(g: GraphBuilder, reads: readonly TensorRef[]): TensorRef[];
}

type Fields = Record<string, unknown>;
const f32 = (g: GraphBuilder, v: number) => g.constant(Float32Array.of(v), 'float32', []);
const op = (g: GraphBuilder, type: string, ...inputs: TensorRef[]) => g.op1(type, inputs);

function sgd(): OptimizerPlan {
  return {
    kind: 'SGD',
    slots: [],
    globals: [],
    update: (g, { value, grad, lr }) => ({
      value: op(g, 'AddV2', op(g, 'Mul', op(g, 'Neg', lr), grad), value),
      slots: [],
    }),
    updateGlobals: () => [],
  };
}

function momentum(o: Fields): OptimizerPlan {
  const m = o.momentum as number;
  const nesterov = Boolean(o.useNesterov);
  return {
    kind: 'Momentum',
    slots: [{ field: 'accumulations', suffix: 'momentum' }],
    globals: [],
    update(g, { value, grad, slots, lr }) {
      const c = op(g, 'Neg', lr);
      const acc = op(g, 'AddV2', op(g, 'Mul', f32(g, m), slots[0]!), grad);
      const step = nesterov ? op(g, 'AddV2', grad, op(g, 'Mul', acc, f32(g, m))) : acc;
      return { value: op(g, 'AddV2', op(g, 'Mul', c, step), value), slots: [acc] };
    },
    updateGlobals: () => [],
  };
}

function adam(o: Fields, weightDecay?: number): OptimizerPlan {
  const [b1, b2, eps] = [o.beta1 as number, o.beta2 as number, o.epsilon as number];
  return {
    kind: weightDecay === undefined ? 'Adam' : 'AdamW',
    slots: [
      { field: 'accumulatedFirstMoment', suffix: 'm' },
      { field: 'accumulatedSecondMoment', suffix: 'v' },
    ],
    globals: ['accBeta1', 'accBeta2'],
    update(g, { value: read, grad, slots, globals, lr }) {
      // AdamW: decoupled weight decay first (createAdamW), then Adam on the decayed value.
      const value =
        weightDecay === undefined
          ? read
          : op(g, 'Sub', read, op(g, 'Mul', read, op(g, 'Mul', lr, f32(g, weightDecay))));
      const [m, v] = slots as [TensorRef, TensorRef];
      const [acc1, acc2] = globals as [TensorRef, TensorRef];
      const newM = op(g, 'AddV2', op(g, 'Mul', m, f32(g, b1)), op(g, 'Mul', grad, f32(g, 1 - b1)));
      const newV = op(g, 'AddV2', op(g, 'Mul', v, f32(g, b2)), op(g, 'Mul', op(g, 'Square', grad), f32(g, 1 - b2)));
      const mHat = op(g, 'RealDiv', newM, op(g, 'Sub', f32(g, 1), acc1));
      const vHat = op(g, 'RealDiv', newV, op(g, 'Sub', f32(g, 1), acc2));
      const ratio = op(g, 'RealDiv', mHat, op(g, 'AddV2', op(g, 'Sqrt', vHat), f32(g, eps)));
      return { value: op(g, 'AddV2', op(g, 'Mul', ratio, op(g, 'Neg', lr)), value), slots: [newM, newV] };
    },
    updateGlobals: (g, [acc1, acc2]) => [op(g, 'Mul', acc1!, f32(g, b1)), op(g, 'Mul', acc2!, f32(g, b2))],
  };
}

function rmsprop(o: Fields): OptimizerPlan {
  const [decay, mom, eps, centered] = [
    o.decay as number,
    o.momentum as number,
    o.epsilon as number,
    Boolean(o.centered),
  ];
  return {
    kind: 'RMSProp',
    slots: [
      { field: 'accumulatedMeanSquares', suffix: 'rms' },
      { field: 'accumulatedMoments', suffix: 'momentum' },
      ...(centered ? [{ field: 'accumulatedMeanGrads', suffix: 'mg' }] : []),
    ],
    globals: [],
    update(g, { value, grad, slots, lr }) {
      const [ms, moments, mg] = slots as [TensorRef, TensorRef, TensorRef | undefined];
      const newMs = op(
        g,
        'AddV2',
        op(g, 'Mul', ms, f32(g, decay)),
        op(g, 'Mul', op(g, 'Square', grad), f32(g, 1 - decay)),
      );
      const scaled = op(g, 'Mul', grad, lr);
      if (mg) {
        const newMg = op(g, 'AddV2', op(g, 'Mul', mg, f32(g, decay)), op(g, 'Mul', grad, f32(g, 1 - decay)));
        const denom = op(g, 'Sqrt', op(g, 'Sub', newMs, op(g, 'AddV2', op(g, 'Square', newMg), f32(g, eps))));
        const newMom = op(g, 'AddV2', op(g, 'Mul', moments, f32(g, mom)), op(g, 'RealDiv', scaled, denom));
        return { value: op(g, 'Sub', value, newMom), slots: [newMs, newMom, newMg] };
      }
      const denom = op(g, 'Sqrt', op(g, 'AddV2', newMs, f32(g, eps)));
      const newMom = op(g, 'AddV2', op(g, 'Mul', moments, f32(g, mom)), op(g, 'RealDiv', scaled, denom));
      return { value: op(g, 'Sub', value, newMom), slots: [newMs, newMom] };
    },
    updateGlobals: () => [],
  };
}

/**
 * The update plan of a tfjs optimizer, or why it has none (tfjs' Adagrad, Adadelta, Adamax).
 * @example
 *   const plan = optimizerPlan(tf.train.adam(0.001));
 *   if ('reason' in plan) console.log(plan.reason);
 */
export function optimizerPlan(optimizer: Optimizer): OptimizerPlan | { reason: string } {
  const o = optimizer as unknown as Fields;
  switch (optimizer.getClassName()) {
    case 'SGD':
      return sgd();
    case 'Momentum':
      return momentum(o);
    case 'Adam':
      return adam(o);
    case 'AdamW':
      return adam(o, o.weightDecay as number);
    case 'RMSProp':
      return rmsprop(o);
    default:
      return {
        reason: `the ${optimizer.getClassName()} optimizer has no compiled update (SGD, momentum, Adam, AdamW, RMSprop do)`,
      };
  }
}

type Slot = { originalName: string; variable: Variable } | null | undefined;

/**
 * The tfjs optimizer's current value of slot `kind` for trainable variable `index` (null: not
 * created yet, i.e. zeros).
 * @example
 *   const m = readSlot(model.optimizer, { field: 'accumulatedFirstMoment', suffix: 'm' }, 0);
 */
export function readSlot(optimizer: Optimizer, kind: SlotKind, index: number): Tensor | null {
  const list = (optimizer as unknown as Record<string, Slot[] | undefined>)[kind.field];
  return list?.[index]?.variable ?? null;
}

/**
 * Writes a slot value into the tfjs optimizer, creating the slot as tfjs would.
 * @example
 *   writeSlot(tf, model.optimizer, kind, 0, 'dense/kernel', values);
 */
export function writeSlot(
  tf: { variable(t: Tensor, trainable: boolean): Variable },
  optimizer: Optimizer,
  kind: SlotKind,
  index: number,
  varName: string,
  value: Tensor,
): void {
  const fields = optimizer as unknown as Record<string, Slot[] | undefined>;
  const list = fields[kind.field] ?? [];
  fields[kind.field] = list;
  const slot = list[index];
  if (slot) slot.variable.assign(value);
  else list[index] = { originalName: `${varName}/${kind.suffix}`, variable: tf.variable(value, false) };
}
