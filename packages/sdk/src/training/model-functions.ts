import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { TfscaleError } from '../core/errors';
import type { TensorBatch } from './data/training-data';

/**
 * Keras' log name for a tfjs metric name: snake_case, and `acc` spelled `accuracy`
 * (tfjs logs `acc` and `categoricalAccuracy`; Keras logs `accuracy` and `categorical_accuracy`).
 * @example
 *   kerasLogName('categoricalAccuracy'); // 'categorical_accuracy'
 *   kerasLogName('dense_2_acc'); // 'dense_2_accuracy'
 */
export function kerasLogName(tfjsName: string): string {
  return tfjsName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/(^|_)acc$/, '$1accuracy');
}

/** A metric function as tfjs's compile resolved it, with the output it applies to. */
type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * Loss and metrics of a compiled tfjs model, computed the way `model.fit` computes them (same
 * functions, same reductions), so our loop and tfjs's agree to the last bit.
 * @example
 *   const fns = new ModelFunctions(model);
 *   fns.names; // ['loss', 'accuracy']
 */
export class ModelFunctions {
  /** Keras log names, aligned with {@link values}: 'loss' first. */
  readonly names: string[];
  private readonly lossFns: MetricFn[];
  private readonly metricFns: Array<[MetricFn, number]>;

  constructor(readonly model: LayersModel) {
    type Compiled = LayersModel & {
      lossFunctions?: MetricFn[];
      metricsTensors?: Array<[MetricFn, number]>;
      model?: Compiled;
    };
    // A Sequential compiles the functional model it wraps; the loss functions live there.
    const compiled = (model as Compiled).lossFunctions
      ? (model as Compiled)
      : ((model as Compiled).model ?? (model as Compiled));
    if (!model.optimizer || !compiled.lossFunctions) {
      throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'The model must be compiled before training.', {
        hint: "call model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] }) or give `compile` in the run definition",
      });
    }
    this.lossFns = compiled.lossFunctions;
    this.metricFns = compiled.metricsTensors ?? [];
    this.names = model.metricsNames.map(kerasLogName);
  }

  /** Inputs in the model's input order. */
  inputs(xs: TensorBatch): Tensor[] {
    return ordered(xs, this.model.inputNames, 'inputs');
  }

  /** Targets in the model's output order. */
  targets(ys: TensorBatch): Tensor[] {
    return ordered(ys, this.model.outputNames, 'targets');
  }

  /** Scalar total loss as tfjs's train function defines it, regularisation penalties included. */
  totalLoss(tf: Tf, targets: Tensor[], outputs: Tensor[]): Tensor {
    let total: Tensor | undefined;
    for (let i = 0; i < this.lossFns.length; i++) {
      const loss = this.lossFns[i](targets[i], outputs[i]);
      total = total ? tf.add(total, loss) : loss;
    }
    let mean = tf.mean(total as Tensor);
    for (const penalty of this.model.calculateLosses()) mean = tf.add(mean, penalty);
    return mean;
  }

  /** Loss followed by every metric, as one 1-D tensor (one read-back per step). */
  values(tf: Tf, loss: Tensor, targets: Tensor[], outputs: Tensor[]): Tensor {
    return tf.tidy(() => {
      // For multi-output models tfjs lists each output's loss first among these: same formula.
      const metrics = this.metricFns.map(([fn, out]) => tf.mean(fn(targets[out], outputs[out])));
      return tf.stack([tf.reshape(loss, []), ...metrics.map((m) => tf.reshape(m, []))]);
    });
  }
}

function ordered(batch: TensorBatch, names: string[], what: string): Tensor[] {
  if (Array.isArray(batch)) return batch;
  if (isTensor(batch)) return [batch];
  return names.map((name) => {
    const t = batch[name];
    if (!t) {
      throw new TfscaleError(
        'TFSCALE_E_INVALID_VALUE',
        `Batch ${what} have no entry for \`${name}\`. Received keys: ${Object.keys(batch).join(', ')}. Expected: ${names.join(', ')}.`,
      );
    }
    return t;
  });
}

function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' && value !== null && typeof (value as Tensor).dataSync === 'function' && 'shape' in value
  );
}
