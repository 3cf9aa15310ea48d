import type { LayersModel, NamedTensorMap, Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import type { TensorBatch } from './data/training-data';
import { ModelFunctions } from './model-functions';

/**
 * Where a strategy reduces gradients across replicas before they are applied. It receives the
 * gradients by variable name (the mean over this replica's `samples`) and returns the ones to
 * apply (it may return new tensors; the step disposes both).
 * @example
 *   const identity: GradientHook = (grads, { samples }) => grads;
 */
export type GradientHook = (
  grads: NamedTensorMap,
  info: { samples: number },
) => NamedTensorMap | Promise<NamedTensorMap>;

/**
 * One optimisation step: forward in training mode, loss as tfjs's `fit` defines it, gradients,
 * the gradient hook, the update; loss and metrics read back in one transfer.
 * @example
 *   const step = new TrainStep(tf, model);
 *   const values = await step.run(xs, ys); // aligned with step.names
 */
export class TrainStep {
  readonly fns: ModelFunctions;
  private readonly optimizer: Optimizer;

  constructor(
    private readonly tf: Tf,
    readonly model: LayersModel,
    private readonly hook?: GradientHook,
  ) {
    this.fns = new ModelFunctions(model);
    this.optimizer = model.optimizer;
  }

  /** Log names of the values {@link run} returns. */
  get names(): string[] {
    return this.fns.names;
  }

  /**
   * One step on a batch of `size` samples. A replica whose share of the global batch is empty
   * (size 0) still takes part: it hands zero gradients to the hook and reports zeros.
   */
  async run(xs: TensorBatch, ys: TensorBatch, size?: number): Promise<Float32Array> {
    const { tf, fns, model } = this;
    // The variables are read at every step: layers may be frozen or unfrozen between steps.
    const vars = model.trainableWeights.map((w) => w.read() as Variable);
    if (size === 0) return this.emptyStep(vars);
    const inputs = fns.inputs(xs);
    const targets = fns.targets(ys);
    let outputs: Tensor[] = [];
    const { value, grads } = this.optimizer.computeGradients(() => {
      const out = model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: true }) as Tensor | Tensor[];
      outputs = (Array.isArray(out) ? out : [out]).map((t) => tf.keep(t));
      return fns.totalLoss(tf, targets, outputs) as ReturnType<Parameters<Optimizer['computeGradients']>[0]>;
    }, vars);
    let applied = grads;
    try {
      if (this.hook) applied = await this.hook(grads, { samples: size ?? inputs[0].shape[0] ?? 0 });
      this.optimizer.applyGradients(applied);
      const values = fns.values(tf, value, targets, outputs);
      const data = values.dataSync() as Float32Array;
      values.dispose();
      return data;
    } finally {
      tf.dispose([value, ...outputs, ...Object.values(grads)]);
      if (applied !== grads) tf.dispose(Object.values(applied));
    }
  }

  private async emptyStep(vars: Variable[]): Promise<Float32Array> {
    const { tf } = this;
    const zeros: NamedTensorMap = Object.fromEntries(vars.map((v) => [v.name, tf.zerosLike(v)]));
    const applied = this.hook ? await this.hook(zeros, { samples: 0 }) : zeros;
    this.optimizer.applyGradients(applied);
    tf.dispose(Object.values(zeros));
    if (applied !== zeros) tf.dispose(Object.values(applied));
    return new Float32Array(this.names.length);
  }
}

/**
 * Loss and metrics without updating anything (validation, `evaluate`).
 * @example
 *   const values = new TestStep(tf, model).run(xs, ys);
 */
export class TestStep {
  readonly fns: ModelFunctions;

  constructor(
    private readonly tf: Tf,
    readonly model: LayersModel,
  ) {
    this.fns = new ModelFunctions(model);
  }

  run(xs: TensorBatch, ys: TensorBatch): Float32Array {
    const { tf, fns, model } = this;
    return tf.tidy(() => {
      const inputs = fns.inputs(xs);
      const targets = fns.targets(ys);
      const out = model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as Tensor | Tensor[];
      const outputs = Array.isArray(out) ? out : [out];
      return fns.values(tf, fns.totalLoss(tf, targets, outputs), targets, outputs).dataSync() as Float32Array;
    });
  }
}
