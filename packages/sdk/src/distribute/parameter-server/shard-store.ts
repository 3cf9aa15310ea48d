/**
 * The variables one ps task holds and the optimizer that updates them. Gradients are applied
 * the moment they arrive, one push at a time (JavaScript runs one handler at a time), so pushes
 * from different workers interleave exactly as TF's asynchronous ParameterServerStrategy updates
 * do; a pull reads whatever the variables hold at that moment.
 */
import type { Optimizer, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import { psMismatch } from './ps-errors';

/**
 * What the coordinator sends to create a shard.
 *
 * @example
 * ```ts
 * const spec: ShardSpecMessage = { names: ['dense/kernel'], shapes: [[64, 32]], indices: [0] };
 * ```
 */
export interface ShardSpecMessage {
  /** The variables' names on the coordinator (for messages and optimizer slots). */
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  /** The variables' indices in the model's trainable weights. */
  readonly indices: readonly number[];
}

/**
 * One ps task's variables and optimizer.
 *
 * @example
 * ```ts
 * const store = new ShardStore(tf, model.optimizer, 0);
 * store.init(spec, values);
 * store.apply(gradients);
 * const current = store.values();
 * ```
 */
export class ShardStore {
  private variables: Variable[] = [];
  private spec?: ShardSpecMessage;
  /** Gradient pushes applied so far. */
  applied = 0;

  constructor(
    private readonly tf: Tf,
    private readonly optimizer: Optimizer,
    private readonly psIndex: number,
  ) {}

  get initialised(): boolean {
    return this.spec !== undefined;
  }

  /** Creates the variables (or, when created already, overwrites their values). */
  init(spec: ShardSpecMessage, values: readonly Float32Array[]): void {
    const { tf } = this;
    if (spec.names.length !== values.length || spec.shapes.length !== values.length) {
      throw psMismatch(`ps:${this.psIndex} received ${values.length} values for ${spec.names.length} variables.`);
    }
    spec.shapes.forEach((shape, i) => {
      const size = shape.reduce((n, d) => n * d, 1);
      if (size !== values[i].length) {
        throw psMismatch(`Variable ${spec.names[i]} has shape [${shape}] but ${values[i].length} values.`);
      }
    });
    if (this.spec) this.assign(values);
    else {
      this.variables = values.map((v, i) => {
        const t = tf.tensor(v, spec.shapes[i] as number[], 'float32');
        const variable = tf.variable(t, true, `ps${this.psIndex}/${spec.names[i]}`);
        t.dispose();
        return variable;
      });
    }
    this.spec = spec;
  }

  /** Current values, in shard order. */
  values(): Float32Array[] {
    return this.variables.map((v) => v.dataSync() as Float32Array);
  }

  /** Applies one push of gradients (shard order) with the optimizer. */
  apply(gradients: readonly Float32Array[]): void {
    const { tf } = this;
    if (gradients.length !== this.variables.length) {
      throw psMismatch(
        `ps:${this.psIndex} holds ${this.variables.length} variables but received ${gradients.length} gradients.`,
      );
    }
    tf.tidy(() => {
      const named = Object.fromEntries(
        this.variables.map((v, i) => {
          if (gradients[i].length !== v.size) {
            throw psMismatch(`Gradient of ${v.name} has ${gradients[i].length} values, the variable ${v.size}.`);
          }
          return [v.name, tf.tensor(gradients[i], v.shape, 'float32')];
        }),
      );
      this.optimizer.applyGradients(named);
    });
    this.applied++;
  }

  /** Frees the variables (the optimizer's slots go with the optimizer). */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.variables = [];
  }

  private assign(values: readonly Float32Array[]): void {
    const { tf } = this;
    this.variables.forEach((v, i) => {
      const t = tf.tensor(values[i], v.shape, 'float32');
      v.assign(t);
      t.dispose();
    });
  }
}
