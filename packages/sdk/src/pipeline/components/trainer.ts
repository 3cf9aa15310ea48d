/**
 * Trainer: a tfscale run (runTraining, any strategy) on the transformed training split, the eval
 * split as validation data; exports SavedModel (`<uri>/serving/1`, what Pusher pushes) and TF.js
 * (`<uri>/serving/tfjs/1`). When every transform is z-score / min-max, the transform is baked into
 * the model as a frozen Dense layer first (x·diag(scale) + offset), so the trained model — and the
 * served one — take raw feature values; otherwise the model takes {@link applyTransform} vectors.
 * `model.json` beside them records which (`inputs`: raw | transformed), the features and classes.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import type { RunDefinitionInput } from '../../config';
import { defineRun } from '../../config/define-run';
import { invalidValue } from '../../core/errors';
import { exportModel } from '../../export/export-model';
import { buildModel } from '../../training/build-model';
import { runTraining } from '../../training/run-training';
import type { Artifact } from '../component';
import { defineComponent } from '../component';
import { readSplit } from '../examples-io';
import type { ExampleRecord } from '../tf-example';
import { featureValues } from '../tf-example';
import { affineOf, applyTransform, type TransformFn, transformLabel } from '../transform-fn';
import { readTransform } from './transform';

/**
 * Trainer's parameters: a run definition without `data` and `outputDir` (the pipeline supplies
 * them), plus batching and the splits to use.
 * @example
 *   const p: TrainerParams = { run: { model: { type: 'sequential', layers: [...] }, compile: {...}, epochs: 50, strategy: 'mirrored' } };
 */
export interface TrainerParams {
  run: Omit<RunDefinitionInput, 'data' | 'outputDir'>;
  batchSize?: number;
  seed?: number;
  trainSplit?: string;
  evalSplit?: string;
  /** Export formats (default savedmodel and tfjs; tfjs is what the Evaluator loads). */
  formats?: string[];
}

/**
 * What `model.json` in a Model artifact says about the model's inputs.
 * @example
 *   const meta: ModelMeta = JSON.parse(fs.readFileSync(path.join(model.uri, 'model.json'), 'utf8'));
 */
export interface ModelMeta {
  inputs: 'raw' | 'transformed';
  features: string[];
  classes?: string[];
}

/**
 * Makes a Trainer node: inputs `examples`, `transformGraph`; output `model` (Model).
 * @example
 *   const trainer = Trainer({ examples: gen.outputs.examples, transformGraph: t.outputs.transformGraph }, { run });
 */
export const Trainer = defineComponent<TrainerParams>({
  type: 'Trainer',
  inputs: { examples: 'Examples', transformGraph: 'TransformGraph' },
  outputs: { model: 'Model' },
  async run(ctx) {
    const fn = await readTransform(ctx.inputs.transformGraph!);
    if (!fn.label) throw invalidValue('Transform label', undefined, 'a `label` in the Transform parameters');
    const affine = affineOf(fn);
    const { model: spec, ...rest } = ctx.params.run;
    const baked = affine !== undefined && typeof spec === 'object' && spec !== null && 'layers' in spec;
    const examples = ctx.inputs.examples!;
    const train = await modelData(examples, ctx.params.trainSplit ?? 'train', fn, baked);
    const validation = await modelData(examples, ctx.params.evalSplit ?? 'eval', fn, baked);
    const out = ctx.outputs.model!;
    const model = baked ? () => withAffine(spec as object, affine!) : spec;
    const run = defineRun({
      ...rest,
      model,
      data: {
        train: { x: train.x, y: train.y },
        ...(validation.x.length ? { validation: { x: validation.x, y: validation.y } } : {}),
        batchSize: ctx.params.batchSize ?? 32,
        ...(ctx.params.seed !== undefined ? { seed: ctx.params.seed } : {}),
      },
      outputDir: path.join(out.uri, 'run'),
    } as RunDefinitionInput);
    const result = await runTraining(ctx.container, run, {
      baseDir: ctx.baseDir,
      overrides: { verbose: 0, backup: false },
    });
    const formats = ctx.params.formats ?? ['savedmodel', 'tfjs'];
    await exportModel(ctx.container, result.model, { formats, base: path.join(out.uri, 'serving'), version: 1 });
    const meta: ModelMeta = {
      inputs: baked ? 'raw' : 'transformed',
      features: fn.features.map((f) => f.name),
      ...(fn.label.vocabulary ? { classes: fn.label.vocabulary } : {}),
    };
    await fs.writeFile(path.join(out.uri, 'model.json'), `${JSON.stringify(meta, null, 2)}\n`);
    await fs.writeFile(path.join(out.uri, 'transform.json'), `${JSON.stringify(fn, null, 2)}\n`);
    const history = result.history.history;
    out.properties = {
      inputs: meta.inputs,
      backend: result.backend,
      epochs: history.loss?.length ?? 0,
      ...Object.fromEntries(Object.entries(history).map(([k, v]) => [`final_${k}`, Number(v.at(-1))])),
    };
    result.model.dispose();
  },
});

/** Model input for one example: raw feature values when the transform is baked in, else transformed. */
export function modelInput(fn: TransformFn, example: ExampleRecord, raw: boolean): number[] {
  if (!raw) return applyTransform(fn, example);
  return fn.features.map((f) => {
    const v = example[f.name] ? featureValues(example[f.name]!)[0] : undefined;
    if (v !== undefined) return Number(v);
    // Missing: the value the transform maps to 0.
    return f.op === 'zscore' ? f.mean : f.op === 'minmax' ? f.min : 0;
  });
}

/**
 * A split as `{ x, y }` arrays for the model (examples without a label are left out).
 * @example
 *   const { x, y } = await modelData(examples, 'eval', fn, true);
 */
export async function modelData(
  examples: Artifact,
  split: string,
  fn: TransformFn,
  raw: boolean,
): Promise<{ x: number[][]; y: number[][]; rows: ExampleRecord[] }> {
  const x: number[][] = [];
  const y: number[][] = [];
  const rows: ExampleRecord[] = [];
  for await (const ex of readSplit(examples, split)) {
    const label = transformLabel(fn, ex);
    if (label === undefined) continue;
    x.push(modelInput(fn, ex, raw));
    y.push([label]);
    rows.push(ex);
  }
  return { x, y, rows };
}

/**
 * The run's sequential layers behind a frozen Dense(diag(scale), offset) layer named `transform`
 * (built from the spec, so no layer object is shared with another model).
 */
async function withAffine(spec: object, affine: { scale: number[]; offset: number[] }): Promise<LayersModel> {
  const tf = loadTf();
  const n = affine.scale.length;
  const kernel = tf.tensor2d(
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? affine.scale[i]! : 0))),
  );
  const { layers, ...restSpec } = spec as { layers: Array<Record<string, unknown>> };
  const pre = { type: 'dense', units: n, inputShape: [n], trainable: false, name: 'transform' };
  const user = layers.map((l, i) => {
    if (i > 0) return l;
    const { inputShape: _drop, batchInputShape: _drop2, ...first } = l;
    return first;
  });
  return buildModel(tf, {
    ...restSpec,
    type: 'sequential',
    layers: [{ ...pre, weights: [kernel, tf.tensor1d(affine.offset)] }, ...user],
  } as RunDefinitionInput['model'] as never);
}
