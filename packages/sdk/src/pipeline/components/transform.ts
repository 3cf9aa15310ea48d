/**
 * Transform: fits the requested feature transforms on the training split (one streaming pass;
 * bucketize keeps its feature's values for quantile boundaries) and saves the fitted transform
 * as `transform.json` in a TransformGraph artifact.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { invalidValue } from '../../core/errors';
import { featureValues } from '../../formats/tf-example';
import type { Artifact } from '../component';
import { defineComponent } from '../component';
import { readSplit } from '../examples-io';
import { StatisticsAccumulator } from '../statistics';
import { type FittedFeature, featureWidth, type TransformFn, type TransformSpec } from '../transform-fn';

/**
 * Transform's parameters: the features to transform, in the order of the model input vector.
 * @example
 *   const p: TransformParams = { features: { sepal_length: { op: 'zscore' } }, label: 'species' };
 */
export interface TransformParams {
  features: Record<string, TransformSpec>;
  /** The label feature; string labels get a vocabulary (sorted values), numbers pass through. */
  label?: string;
  /** Split to fit on (default 'train'). */
  split?: string;
}

/**
 * Makes a Transform node: inputs `examples`, `schema`; output `transformGraph` (TransformGraph).
 * @example
 *   const t = Transform({ examples: gen.outputs.examples, schema: schema.outputs.schema }, { features: { x: { op: 'zscore' } } });
 */
export const Transform = defineComponent<TransformParams>({
  type: 'Transform',
  inputs: { examples: 'Examples', schema: 'Schema' },
  outputs: { transformGraph: 'TransformGraph' },
  async run(ctx) {
    const { features, label } = ctx.params;
    const acc = new StatisticsAccumulator();
    const kept = new Map<string, number[]>();
    for (const [name, spec] of Object.entries(features)) {
      if (spec.op === 'bucketize' && !spec.boundaries) kept.set(name, []);
    }
    for await (const ex of readSplit(ctx.inputs.examples!, ctx.params.split ?? 'train')) {
      acc.add(ex);
      for (const [name, values] of kept) if (ex[name]) values.push(...(featureValues(ex[name]!) as number[]));
    }
    const stats = new Map((await acc.finish('fit')).features.map((f) => [f.name, f]));
    const fitted: FittedFeature[] = Object.entries(features).map(([name, spec]) => {
      const s = stats.get(name);
      if (!s) throw invalidValue(`features.${name}`, name, 'a feature present in the training split');
      const numeric = () => {
        if (!s.numeric) throw invalidValue(`features.${name}.op`, spec.op, 'vocabulary or hash for a string feature');
        return s.numeric;
      };
      // The served graph takes these as strings; a number's text form would differ between TS and TF.
      const strings = () => {
        if (!s.string)
          throw invalidValue(`features.${name}.op`, spec.op, 'zscore, minmax or bucketize for a numeric feature');
        return s.string;
      };
      switch (spec.op) {
        case 'zscore':
          return { name, op: 'zscore', mean: numeric().mean, std: numeric().std };
        case 'minmax':
          return { name, op: 'minmax', min: numeric().min, max: numeric().max };
        case 'vocabulary': {
          const values = strings().topValues.map((t) => t.value);
          const oov = spec.numOovBuckets ?? 1;
          if (!(Number.isInteger(oov) && oov >= 0)) {
            throw invalidValue(`features.${name}.numOovBuckets`, oov, 'an integer ≥ 0');
          }
          return {
            name,
            op: 'vocabulary',
            vocabulary: values.slice(0, spec.topK ?? values.length),
            numOovBuckets: oov,
          };
        }
        case 'bucketize':
          return { name, op: 'bucketize', boundaries: spec.boundaries ?? quantileBoundaries(kept.get(name)!, spec) };
        case 'hash':
          strings();
          if (!(Number.isInteger(spec.hashBuckets) && spec.hashBuckets > 0)) {
            throw invalidValue(`features.${name}.hashBuckets`, spec.hashBuckets, 'a positive integer');
          }
          return { name, op: 'hash', hashBuckets: spec.hashBuckets };
        default:
          throw invalidValue(
            `features.${name}.op`,
            (spec as { op: string }).op,
            'zscore, minmax, vocabulary, bucketize or hash',
          );
      }
    });
    const fn: TransformFn = { features: fitted, outputDim: fitted.reduce((n, f) => n + featureWidth(f), 0) };
    if (label) {
      const s = stats.get(label);
      if (!s) throw invalidValue('label', label, 'a feature present in the training split');
      fn.label = s.string
        ? { name: label, vocabulary: s.string.topValues.map((t) => t.value).sort() }
        : { name: label };
    }
    const out = ctx.outputs.transformGraph!;
    await fs.writeFile(path.join(out.uri, 'transform.json'), `${JSON.stringify(fn, null, 2)}\n`);
    out.properties = { output_dim: fn.outputDim, ...(fn.label?.vocabulary ? { classes: fn.label.vocabulary } : {}) };
  },
});

function quantileBoundaries(values: number[], spec: { numBuckets?: number }): number[] {
  const n = spec.numBuckets ?? 4;
  const sorted = Float64Array.from(values).sort();
  const out: number[] = [];
  for (let i = 1; i < n; i++) {
    const pos = ((sorted.length - 1) * i) / n;
    const lo = Math.floor(pos);
    out.push(sorted[lo]! + (sorted[Math.ceil(pos)]! - sorted[lo]!) * (pos - lo));
  }
  return [...new Set(out)];
}

/**
 * Reads a TransformGraph artifact's fitted transform.
 * @example
 *   const fn = await readTransform(ctx.inputs.transformGraph);
 */
export async function readTransform(graph: Artifact): Promise<TransformFn> {
  return JSON.parse(await fs.readFile(path.join(graph.uri, 'transform.json'), 'utf8')) as TransformFn;
}
