/**
 * Trainer: a tfscale run (runTraining, any strategy) streamed from the Examples artifact's
 * TFRecord splits — each epoch re-reads the training split, decodes the tf.Examples and applies
 * the fitted transform ({@link applyTransform}), shuffled through a seeded buffer, so the split
 * never has to fit in memory; the eval split is the validation data. Exports SavedModel
 * (`<uri>/serving/1`, what Pusher pushes) with the transform in its graph — its signature takes
 * the raw features by name — and TF.js (`<uri>/serving/tfjs/1`, on transformed vectors, what the
 * Evaluator loads). `model.json` beside them records the inputs, the features and the classes.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { RunDefinition, RunDefinitionInput } from '../../config';
import { defineRun } from '../../config/define-run';
import { invalidValue } from '../../core/errors';
import { exportModel } from '../../export/export-model';
import type { ExampleRecord } from '../../formats/tf-example';
import { featureValues } from '../../formats/tf-example';
import { NO_SHARD } from '../../training/data/epoch-plan';
import { type RowSource, StreamedData } from '../../training/data/streamed-data';
import { runTraining } from '../../training/run-training';
import type { Artifact } from '../component';
import { defineComponent } from '../component';
import { readSplit } from '../examples-io';
import { applyTransform, type TransformFn, transformLabel } from '../transform-fn';
import { transformServingInput } from '../transform-graph';
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
  /** Rows the training split's shuffle buffer holds (default 1024; tf.data's `shuffle(buffer_size)`). */
  shuffleBuffer?: number;
}

/**
 * What `model.json` in a Model artifact says about the model's inputs.
 * @example
 *   const meta: ModelMeta = JSON.parse(fs.readFileSync(path.join(model.uri, 'model.json'), 'utf8'));
 */
export interface ModelMeta {
  /** What the TF.js export takes (older models baked z-scores in and took raw values). */
  inputs: 'raw' | 'transformed';
  /** What the SavedModel's signature takes: raw named features (the transform is in its graph). */
  serving?: 'raw-features';
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
    const examples = ctx.inputs.examples!;
    const shuffleBuffer = ctx.params.shuffleBuffer ?? 1024;
    const train = await streamSplit(examples, ctx.params.trainSplit ?? 'train', fn, shuffleBuffer);
    if (!train) throw invalidValue('trainSplit', ctx.params.trainSplit ?? 'train', 'a split with labelled examples');
    const validation = await streamSplit(examples, ctx.params.evalSplit ?? 'eval', fn, shuffleBuffer);
    const out = ctx.outputs.model!;
    const batching = {
      batchSize: ctx.params.batchSize ?? 32,
      ...(ctx.params.seed !== undefined ? { seed: ctx.params.seed } : {}),
    };
    // The run is validated with a stand-in source, then trains on the streamed splits: runTraining
    // takes TrainingData as is (toTrainingData passes it through); run files cannot name one.
    const checked = defineRun({
      ...ctx.params.run,
      model: withInputWidth(ctx.params.run.model, fn.outputDim),
      data: { train: { x: [[0]], y: [[0]] }, ...batching },
      outputDir: path.join(out.uri, 'run'),
    } as RunDefinitionInput);
    const run = {
      ...checked,
      data: { ...checked.data, train, ...(validation ? { validation } : {}) },
    } as unknown as RunDefinition;
    const result = await runTraining(ctx.container, run, {
      baseDir: ctx.baseDir,
      overrides: { verbose: 0, backup: false },
    });
    const formats = ctx.params.formats ?? ['savedmodel', 'tfjs'];
    await exportModel(ctx.container, result.model, {
      formats,
      base: path.join(out.uri, 'serving'),
      version: 1,
      ...(formats.includes('savedmodel')
        ? { exporterOptions: { savedmodel: { servingInput: transformServingInput(fn) } } }
        : {}),
    });
    const meta: ModelMeta = {
      inputs: 'transformed',
      serving: 'raw-features',
      features: fn.features.map((f) => f.name),
      ...(fn.label.vocabulary ? { classes: fn.label.vocabulary } : {}),
    };
    await fs.writeFile(path.join(out.uri, 'model.json'), `${JSON.stringify(meta, null, 2)}\n`);
    await fs.writeFile(path.join(out.uri, 'transform.json'), `${JSON.stringify(fn, null, 2)}\n`);
    const history = result.history.history;
    out.properties = {
      inputs: meta.inputs,
      backend: result.backend,
      train_examples: train.size,
      epochs: history.loss?.length ?? 0,
      ...Object.fromEntries(Object.entries(history).map(([k, v]) => [`final_${k}`, Number(v.at(-1))])),
    };
    result.model.dispose();
  },
});

/**
 * A split as streamed training data: one counting pass, then every epoch re-reads the TFRecord
 * file and transforms record by record (examples without a label are left out). Undefined when
 * the split has no labelled example.
 * @example
 *   const train = await streamSplit(examples, 'train', fn, 1024);
 */
export async function streamSplit(
  examples: Artifact,
  split: string,
  fn: TransformFn,
  shuffleBuffer: number,
): Promise<StreamedData | undefined> {
  const labelled = async function* () {
    for await (const ex of readSplit(examples, split)) {
      const label = transformLabel(fn, ex);
      if (label !== undefined) yield { ex, label };
    }
  };
  let total = 0;
  for await (const _ of labelled()) total++;
  if (total === 0) return undefined;
  const source: RowSource = {
    total,
    xWidth: fn.outputDim,
    yWidth: 1,
    xDtype: 'float32',
    shuffleBuffer,
    async *rows() {
      for await (const { ex, label } of labelled()) {
        yield { x: Float32Array.from(applyTransform(fn, ex)), y: Float32Array.of(label) };
      }
    },
  };
  return new StreamedData(source, { start: 0, end: total, shard: NO_SHARD }, true);
}

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

/** A sequential spec's first layer takes the transform's output width (the Transform decides it). */
function withInputWidth(spec: RunDefinitionInput['model'], width: number): RunDefinitionInput['model'] {
  if (typeof spec !== 'object' || spec === null || !('layers' in spec) || !Array.isArray(spec.layers)) return spec;
  const [first, ...rest] = spec.layers as Array<Record<string, unknown>>;
  if (!first) return spec;
  const { batchInputShape: _drop, ...layer } = first;
  return { ...spec, layers: [{ ...layer, inputShape: [width] }, ...rest] } as RunDefinitionInput['model'];
}
