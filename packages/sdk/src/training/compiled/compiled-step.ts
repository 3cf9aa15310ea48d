import type { LayersModel, LayerVariable, NamedTensorMap, Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import { TfscaleError } from '../../core/errors';
import type { GraphDType } from '../../export/graph/attrs';
import type { TensorBatch } from '../data/training-data';
import { ModelFunctions } from '../model-functions';
import type { GradientHook } from '../train-step';
import { type GraphAddon, type SessionHandle, sessionConfig, TF_FLOAT, TF_INT32 } from './addon';
import { type OptimizerPlan, readSlot, writeSlot } from './optimizer-graph';
import { buildStepGraph, type StepGraph } from './step-graph';

/** Session thread pools; 0 or unset lets TensorFlow decide. */
export interface StepThreads {
  intraOp?: number;
  interOp?: number;
}

type Feed = { name: string; dtype: number; shape: number[]; data: ArrayBufferView };

/**
 * One training step as one TensorFlow session call: forward, loss, metrics, gradients and the
 * optimizer update run natively on graph variables. The tfjs model and optimizer are the source
 * of truth between {@link sync} calls: the session takes their values at the first step after a
 * sync, and {@link sync} writes the session's values back. With a gradient hook (a strategy's
 * all-reduce) a step is two calls: gradients out, reduced gradients in.
 * @example
 *   const step = new CompiledTrainStep(tf, model, addon, plan);
 *   const values = await step.run(xs, ys); // aligned with step.names
 *   await step.sync(); // model.getWeights() now holds the trained values
 */
export class CompiledTrainStep {
  readonly fns: ModelFunctions;
  private graph?: StepGraph;
  private session?: SessionHandle;
  private trainable: LayerVariable[] = [];
  private needPush = true;
  private targetsKey = '';
  private iterations = 0;
  private stepsSincePush = 0;

  constructor(
    private readonly tf: Tf,
    readonly model: LayersModel,
    private readonly addon: GraphAddon,
    private readonly plan: OptimizerPlan,
    private readonly hook?: GradientHook,
    private readonly threads: StepThreads = {},
  ) {
    this.fns = new ModelFunctions(model);
  }

  /** Log names of the values {@link run} returns. */
  get names(): string[] {
    return this.fns.names;
  }

  /**
   * Builds the graph and opens the session now (else at the first step); throws if not covered.
   * A step already built for the same target dtypes and ranks is kept: the tfjs model's values
   * are pushed in at the next step (they may have changed since).
   */
  prepare(targets: ReadonlyArray<{ dtype: GraphDType; rank: number }>): void {
    const key = JSON.stringify(targets);
    if (this.graph && key === this.targetsKey) {
      this.needPush = true;
      return;
    }
    this.targetsKey = key;
    const graph = buildStepGraph(this.addon, this.model, this.plan, targets, this.hook !== undefined);
    this.session = this.addon.openSession(graph.graphDef, sessionConfig(this.threads));
    this.graph = graph;
    this.trainable = [...this.model.trainableWeights];
    this.needPush = true;
  }

  /** One step on a batch of `size` samples (see TrainStep.run). */
  async run(xs: TensorBatch, ys: TensorBatch, size?: number): Promise<Float32Array> {
    const { fns } = this;
    const inputs = fns.inputs(xs);
    const targets = fns.targets(ys);
    this.ensure(targets);
    const graph = this.graph!;
    const lr = this.feed(graph.lr, 'float32', Float32Array.of(this.learningRate()), []);
    if (size === 0) {
      await this.applyHooked(
        this.trainable.map((w) => new Float32Array((w.shape as number[]).reduce((a, b) => a * b, 1))),
        0,
        lr,
      );
      return new Float32Array(this.names.length);
    }
    const feeds = [
      ...graph.inputs.map((p, i) => this.tensorFeed(p, inputs[i]!)),
      ...graph.targets.map((p, i) => this.tensorFeed(p, targets[i]!)),
    ];
    if (!this.hook) {
      const out = this.call([...feeds, lr], [...graph.values], [graph.train]);
      this.stepsSincePush++;
      return Float32Array.from(out, (o) => new Float32Array(o)[0]!);
    }
    const out = this.call(feeds, [...graph.values, ...graph.grads], []);
    const grads = out.slice(graph.values.length).map((b) => new Float32Array(b));
    await this.applyHooked(grads, size ?? inputs[0]!.shape[0] ?? 0, lr);
    return Float32Array.from(out.slice(0, graph.values.length), (o) => new Float32Array(o)[0]!);
  }

  /** Writes the session's weights and optimizer state into the tfjs model and optimizer. */
  async sync(): Promise<void> {
    if (!this.session || this.needPush) return;
    const { tf, graph } = this;
    const state = graph!.state;
    const out = this.call(
      [],
      state.map((s) => s.read),
      [],
    );
    const optimizer = this.model.optimizer as Optimizer & Record<string, unknown>;
    for (const [i, s] of state.entries()) {
      const value = tf.tensor(new Float32Array(out[i]!), s.variable.shape as number[]);
      const o = s.owner;
      if (o.kind === 'weight') o.weight.write(value);
      else if (o.kind === 'global') (optimizer[o.field] as { assign(t: Tensor): void }).assign(value);
      else writeSlot(tf, optimizer, this.plan.slots[o.slot]!, o.index, varName(this.trainable[o.index]!), value);
      value.dispose();
    }
    (optimizer as unknown as { iterations_: number }).iterations_ = this.iterations + this.stepsSincePush;
    this.needPush = true;
  }

  private async applyHooked(grads: Float32Array[], samples: number, lr: Feed): Promise<void> {
    const { tf, graph } = this;
    const named: NamedTensorMap = Object.fromEntries(
      this.trainable.map((w, i) => [varName(w), tf.tensor(grads[i]!, w.shape as number[])]),
    );
    const applied = await this.hook!(named, { samples });
    try {
      const feeds = this.trainable.map((w, i) => {
        const grad = applied[varName(w)];
        if (!grad) {
          throw new TfscaleError(
            'TFSCALE_E_INVALID_VALUE',
            `The gradient hook returned no gradient for \`${varName(w)}\`; the compiled step applies one per trainable weight.`,
            { hint: "return every gradient it received, or train with stepMode: 'eager'" },
          );
        }
        return this.feed(graph!.gradFeeds[i]!, 'float32', grad.dataSync(), w.shape as number[]);
      });
      this.call([...feeds, lr], [], [graph!.train]);
      this.stepsSincePush++;
    } finally {
      tf.dispose(Object.values(named));
      if (applied !== named) tf.dispose(Object.values(applied));
    }
  }

  /** Builds on first use, rebuilds when layers were frozen or unfrozen, pushes tfjs' values after a sync. */
  private ensure(targets: Tensor[]): void {
    const same =
      this.trainable.length === this.model.trainableWeights.length &&
      this.model.trainableWeights.every((w, i) => w === this.trainable[i]);
    if (!this.graph || !same) {
      this.prepare(targets.map((t) => ({ dtype: t.dtype === 'int32' ? 'int32' : 'float32', rank: t.rank })));
    }
    if (this.needPush) this.push();
  }

  private push(): void {
    const optimizer = this.model.optimizer as Optimizer & Record<string, unknown>;
    const feeds = this.graph!.state.map((s) => {
      const o = s.owner;
      const size = s.variable.shape.reduce((a, b) => a * b, 1);
      const value =
        o.kind === 'weight'
          ? o.weight.read().dataSync()
          : o.kind === 'global'
            ? (optimizer[o.field] as Tensor).dataSync()
            : (readSlot(optimizer, this.plan.slots[o.slot]!, o.index)?.dataSync() ?? new Float32Array(size));
      return this.feed(s.init, s.variable.dtype, value as ArrayBufferView, s.variable.shape as number[]);
    });
    this.call(feeds, [], [this.graph!.push]);
    this.iterations = (optimizer as unknown as { iterations: number }).iterations;
    this.stepsSincePush = 0;
    this.needPush = false;
  }

  private learningRate(): number {
    return (this.model.optimizer as unknown as { learningRate: number }).learningRate;
  }

  private tensorFeed(p: { name: string; dtype: GraphDType }, t: Tensor): Feed {
    const data = t.dataSync();
    const typed =
      p.dtype === 'int32'
        ? data instanceof Int32Array
          ? data
          : Int32Array.from(data)
        : data instanceof Float32Array
          ? data
          : Float32Array.from(data);
    return this.feed(p.name, p.dtype, typed, t.shape);
  }

  private feed(name: string, dtype: GraphDType, data: ArrayBufferView, shape: readonly number[]): Feed {
    return { name, dtype: dtype === 'int32' ? TF_INT32 : TF_FLOAT, shape: [...shape], data };
  }

  private call(feeds: Feed[], fetches: string[], targets: string[]): ArrayBuffer[] {
    const out = this.addon.run(
      this.session!,
      feeds.map((f) => f.name),
      feeds.map((f) => f.dtype),
      feeds.map((f) => f.shape),
      feeds.map((f) => f.data),
      fetches,
      targets,
    );
    return out.map((o) => o.data);
  }
}

/** The tfjs variable name (the key of gradient maps) of a layer weight. */
function varName(w: LayerVariable): string {
  return (w.read() as Variable).name;
}
