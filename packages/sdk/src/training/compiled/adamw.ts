/**
 * AdamW for tfjs (which has none): Keras' decoupled weight decay — each variable first shrinks by
 * `learningRate * weightDecay` of itself — followed by tfjs' own Adam update. The compiled step
 * mirrors it op for op (optimizer-graph.ts).
 */
import type { Optimizer, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';

/** Options of {@link createAdamW}; Keras' defaults. */
export interface AdamWOptions {
  learningRate?: number;
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

type Classes = Record<string, new (...args: never[]) => unknown>;
const made = new WeakMap<object, new (o: Required<Omit<AdamWOptions, 'epsilon'>> & AdamWOptions) => Optimizer>();

function adamWClass(tf: Tf) {
  const cached = made.get(tf);
  if (cached) return cached;
  const Adam = tf.AdamOptimizer;
  class AdamW extends Adam {
    static override get className(): string {
      return 'AdamW';
    }
    readonly weightDecay: number;
    constructor(o: Required<Omit<AdamWOptions, 'epsilon'>> & AdamWOptions) {
      super(o.learningRate, o.beta1, o.beta2, o.epsilon);
      this.weightDecay = o.weightDecay;
    }
    override applyGradients(grads: Parameters<InstanceType<Tf['AdamOptimizer']>['applyGradients']>[0]): void {
      const names = Array.isArray(grads) ? grads.map((g) => g.name) : Object.keys(grads);
      tf.tidy(() => {
        const decay = tf.mul(tf.scalar(this.learningRate), tf.scalar(this.weightDecay));
        for (const name of names) {
          const value = tf.engine().registeredVariables[name] as Variable;
          value.assign(tf.sub(value, tf.mul(value, decay)));
        }
      });
      super.applyGradients(grads);
    }
    override getConfig() {
      return { ...super.getConfig(), weightDecay: this.weightDecay };
    }
  }
  tf.serialization.registerClass(AdamW as unknown as Classes[string] & { className: string } as never);
  made.set(tf, AdamW as never);
  return AdamW as never as new (
    o: Required<Omit<AdamWOptions, 'epsilon'>> & AdamWOptions,
  ) => Optimizer;
}

/**
 * An AdamW optimizer (getClassName() 'AdamW'), trained eagerly or by the compiled step.
 * @example
 *   model.compile({ optimizer: createAdamW(tf, { learningRate: 1e-3, weightDecay: 0.004 }), loss: 'meanSquaredError' });
 */
export function createAdamW(tf: Tf, o: AdamWOptions = {}): Optimizer {
  const AdamW = adamWClass(tf);
  return new AdamW({
    learningRate: o.learningRate ?? 0.001,
    weightDecay: o.weightDecay ?? 0.004,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon,
  });
}
