import type { Logs } from '../callbacks/callback';

/**
 * Sample-weighted running means of loss and metrics over an epoch, as Keras reports them in
 * batch and epoch logs (a short last batch weighs less).
 * @example
 *   const m = new RunningMeans(['loss']); m.add(Float32Array.of(0.5), 32); m.logs(); // { loss: 0.5 }
 */
export class RunningMeans {
  private readonly sums: Float64Array;
  private count = 0;

  constructor(private readonly names: string[]) {
    this.sums = new Float64Array(names.length);
  }

  add(values: ArrayLike<number>, samples: number): void {
    for (let i = 0; i < this.names.length; i++) this.sums[i] += values[i] * samples;
    this.count += samples;
  }

  logs(): Logs {
    const logs: Logs = {};
    if (this.count === 0) return logs;
    this.names.forEach((name, i) => {
      logs[name] = this.sums[i] / this.count;
    });
    return logs;
  }
}
