/**
 * A worker's part of one step: forward in training mode, the loss as tfjs's `fit` defines it,
 * gradients of the trainable variables, loss and metrics — and no update: the ps tasks own the
 * optimizer, so the gradients leave as arrays.
 */
import type { LayersModel, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import type { TensorBatch } from '../../training/data/training-data';
import { ModelFunctions } from '../../training/model-functions';

/**
 * Gradients (trainable-variable order) and loss/metric values of one batch.
 *
 * @example
 * ```ts
 * const { gradients, values } = step.run(batch.xs, batch.ys);
 * ```
 */
export interface StepOutput {
  readonly gradients: Float32Array[];
  /** Aligned with {@link WorkerStep.names}: loss first. */
  readonly values: Float32Array;
}

/**
 * Gradient computation on a worker.
 *
 * @example
 * ```ts
 * const step = new WorkerStep(tf, model);
 * const { gradients, values } = step.run(xs, ys);
 * await ps.push(gradients);
 * ```
 */
export class WorkerStep {
  readonly fns: ModelFunctions;

  constructor(
    private readonly tf: Tf,
    readonly model: LayersModel,
  ) {
    this.fns = new ModelFunctions(model);
  }

  /** Log names of the values, e.g. ['loss', 'accuracy']. */
  get names(): string[] {
    return this.fns.names;
  }

  run(xs: TensorBatch, ys: TensorBatch): StepOutput {
    const { tf, fns, model } = this;
    const vars = model.trainableWeights.map((w) => w.read() as Variable);
    const inputs = fns.inputs(xs);
    const targets = fns.targets(ys);
    let outputs: Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const out = model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: true }) as Tensor | Tensor[];
      outputs = (Array.isArray(out) ? out : [out]).map((t) => tf.keep(t));
      return fns.totalLoss(tf, targets, outputs) as ReturnType<Parameters<Tf['variableGrads']>[0]>;
    }, vars);
    try {
      const gradients = vars.map((v) => grads[v.name].dataSync() as Float32Array);
      const values = fns.values(tf, value, targets, outputs);
      const data = values.dataSync() as Float32Array;
      values.dispose();
      return { gradients, values: data };
    } finally {
      tf.dispose([value, ...outputs, ...Object.values(grads)]);
    }
  }
}
