/**
 * Evaluator: metrics of the candidate model on the eval split, overall and per slice (feature
 * values), value thresholds, and a comparison with the last blessed model (from the metadata
 * store) on the same data → ModelBlessing (`BLESSED` or `NOT_BLESSED` file, `blessed` property).
 * Classification (softmax outputs): accuracy, loss (sparse categorical cross-entropy),
 * example_count. Regression (one output): mse, mae, example_count.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { loadTf } from '../../backend/tf';
import { featureValues } from '../../formats/tf-example';
import { tfjsFolder } from '../../io/tfjs-file-handler';
import { defineComponent } from '../component';
import type { TransformFn } from '../transform-fn';
import { type ModelMeta, modelData } from './trainer';

/**
 * A metric's threshold: bounds on its value and the least change against the baseline.
 * @example
 *   const t: MetricThreshold = { lowerBound: 0.9, change: { direction: 'higher', absolute: -0.01 } };
 */
export interface MetricThreshold {
  lowerBound?: number;
  upperBound?: number;
  /** Candidate − baseline must be ≥ `absolute` (direction higher) or ≤ −`absolute` (lower). */
  change?: { direction: 'higher' | 'lower'; absolute?: number };
}

/**
 * Evaluator's parameters.
 * @example
 *   const p: EvaluatorParams = { slices: ['species'], thresholds: { accuracy: { lowerBound: 0.8 } } };
 */
export interface EvaluatorParams {
  split?: string;
  /** Feature names to slice metrics by (one slice per value). */
  slices?: string[];
  thresholds?: Record<string, MetricThreshold>;
}

/** Metrics of one slice. */
export type Metrics = Record<string, number>;

/**
 * Makes an Evaluator node: inputs `examples`, `model`; outputs `evaluation` (ModelEvaluation) and
 * `blessing` (ModelBlessing).
 * @example
 *   const ev = Evaluator({ examples: gen.outputs.examples, model: trainer.outputs.model }, { thresholds: { accuracy: { lowerBound: 0.8 } } });
 */
export const Evaluator = defineComponent<EvaluatorParams>({
  type: 'Evaluator',
  inputs: { examples: 'Examples', model: 'Model' },
  outputs: { evaluation: 'ModelEvaluation', blessing: 'ModelBlessing' },
  async run(ctx) {
    const split = ctx.params.split ?? 'eval';
    const modelUri = ctx.inputs.model!.uri;
    const candidate = await evaluateModel(modelUri, ctx.inputs.examples!, split, ctx.params.slices ?? []);
    const baselineArtifact = ctx.store.latestArtifact(
      'ModelBlessing',
      (a) => a.properties.blessed === true && a.properties.model_uri !== modelUri,
    );
    const baselineUri = baselineArtifact?.properties.model_uri as string | undefined;
    const baseline =
      baselineUri && (await fs.stat(baselineUri).catch(() => undefined))
        ? await evaluateModel(baselineUri, ctx.inputs.examples!, split, [])
        : undefined;
    const failures: string[] = [];
    for (const [metric, t] of Object.entries(ctx.params.thresholds ?? {})) {
      const v = candidate.overall[metric];
      if (v === undefined) {
        failures.push(`${metric}: no such metric (have ${Object.keys(candidate.overall).join(', ')})`);
        continue;
      }
      if (t.lowerBound !== undefined && v < t.lowerBound) failures.push(`${metric} ${v} < lower bound ${t.lowerBound}`);
      if (t.upperBound !== undefined && v > t.upperBound) failures.push(`${metric} ${v} > upper bound ${t.upperBound}`);
      const b = baseline?.overall[metric];
      if (t.change && b !== undefined) {
        const delta = v - b;
        const min = t.change.absolute ?? 0;
        if (t.change.direction === 'higher' ? delta < min : -delta < min) {
          failures.push(
            `${metric} changed by ${delta} against the baseline (${b}); needs ${t.change.direction} by ${min}`,
          );
        }
      }
    }
    const blessed = failures.length === 0;
    const evaluation = { split, overall: candidate.overall, slices: candidate.slices, baseline, failures };
    await fs.writeFile(
      path.join(ctx.outputs.evaluation!.uri, 'evaluation.json'),
      `${JSON.stringify(evaluation, null, 2)}\n`,
    );
    ctx.outputs.evaluation!.properties = { ...candidate.overall, model_uri: modelUri };
    const blessing = ctx.outputs.blessing!;
    await fs.writeFile(path.join(blessing.uri, blessed ? 'BLESSED' : 'NOT_BLESSED'), `${failures.join('\n')}\n`);
    blessing.properties = { blessed, model_uri: modelUri, ...(baselineUri ? { baseline_model_uri: baselineUri } : {}) };
    ctx.logger.info(
      `[Evaluator] ${JSON.stringify(candidate.overall)} → ${blessed ? 'BLESSED' : `NOT BLESSED: ${failures.join('; ')}`}`,
    );
  },
});

/**
 * Metrics of the model in Model artifact folder `modelUri` (its TF.js export, with its own
 * transform) on a split, overall and per value of each slice feature.
 * @example
 *   const { overall } = await evaluateModel(model.uri, examples, 'eval', ['species']);
 */
export async function evaluateModel(
  modelUri: string,
  examples: { type: string; uri: string; properties: Record<string, import('../component').PropertyValue> },
  split: string,
  slices: string[],
): Promise<{ overall: Metrics; slices: Record<string, Metrics> }> {
  const tf = loadTf();
  const meta = JSON.parse(await fs.readFile(path.join(modelUri, 'model.json'), 'utf8')) as ModelMeta;
  const fn = JSON.parse(await fs.readFile(path.join(modelUri, 'transform.json'), 'utf8')) as TransformFn;
  const data = await modelData(examples, split, fn, meta.inputs === 'raw');
  const model = await tf.loadLayersModel(tfjsFolder(path.join(modelUri, 'serving', 'tfjs', '1')));
  try {
    const predictions = data.x.length
      ? ((await (model.predict(tf.tensor2d(data.x)) as import('@tensorflow/tfjs').Tensor).array()) as number[][])
      : [];
    const metricsOf = (indices: number[]): Metrics => {
      if (!indices.length) return { example_count: 0 };
      if ((predictions[0]?.length ?? 1) > 1) {
        let correct = 0;
        let loss = 0;
        for (const i of indices) {
          const p = predictions[i]!;
          const label = data.y[i]![0]!;
          if (p.indexOf(Math.max(...p)) === label) correct++;
          loss -= Math.log(Math.min(1, Math.max(1e-7, p[label] ?? 0)));
        }
        return { accuracy: correct / indices.length, loss: loss / indices.length, example_count: indices.length };
      }
      let se = 0;
      let ae = 0;
      for (const i of indices) {
        const d = predictions[i]![0]! - data.y[i]![0]!;
        se += d * d;
        ae += Math.abs(d);
      }
      return { mse: se / indices.length, mae: ae / indices.length, example_count: indices.length };
    };
    const all = data.x.map((_, i) => i);
    const bySlice: Record<string, Metrics> = {};
    for (const feature of slices) {
      const groups = new Map<string, number[]>();
      data.rows.forEach((row, i) => {
        const v = row[feature] ? String(featureValues(row[feature]!)[0]) : '(missing)';
        groups.set(v, [...(groups.get(v) ?? []), i]);
      });
      for (const [value, idx] of [...groups].sort()) bySlice[`${feature}=${value}`] = metricsOf(idx);
    }
    return { overall: metricsOf(all), slices: bySlice };
  } finally {
    model.dispose();
  }
}
