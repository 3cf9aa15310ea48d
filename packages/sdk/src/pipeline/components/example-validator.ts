/**
 * ExampleValidator: anomalies of every split against the schema, train/other-split skew and
 * drift against a baseline statistics artifact (e.g. the previous span's), with thresholds.
 * Writes `anomalies.json`; the count is the output's `anomalies` property.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TfscaleError } from '../../core/errors';
import { type Anomaly, type ComparatorThresholds, compareStatistics, validateStatistics } from '../anomalies';
import { defineComponent } from '../component';
import { splitNames } from '../examples-io';
import { readSchema } from './schema-gen';
import { readStatistics } from './statistics-gen';

/**
 * ExampleValidator's parameters.
 * @example
 *   const p: ExampleValidatorParams = { skew: { meanShiftThreshold: 0.5, linfThreshold: 0.25 } };
 */
export interface ExampleValidatorParams {
  /** Skew between the training split and each other split. */
  skew?: ComparatorThresholds;
  /** Drift of each split from the same split of the `baseline` input. */
  drift?: ComparatorThresholds;
  /** Fail the component (stopping its dependants) when any anomaly is found. */
  failOnAnomalies?: boolean;
  /** The reference split for skew (default 'train'). */
  trainSplit?: string;
}

/**
 * Makes an ExampleValidator node: inputs `statistics`, `schema`, optional `baseline`
 * statistics; output `anomalies` (ExampleAnomalies).
 * @example
 *   const v = ExampleValidator({ statistics: stats.outputs.statistics, schema: schema.outputs.schema }, {});
 */
export const ExampleValidator = defineComponent<ExampleValidatorParams>({
  type: 'ExampleValidator',
  inputs: { statistics: 'ExampleStatistics', schema: 'Schema', baseline: 'ExampleStatistics' },
  optionalInputs: ['baseline'],
  outputs: { anomalies: 'ExampleAnomalies' },
  async run(ctx) {
    const { statistics, schema, baseline } = ctx.inputs;
    const schemaDoc = await readSchema(schema!);
    const splits = splitNames(statistics!);
    const trainSplit = ctx.params.trainSplit ?? 'train';
    const anomalies: Anomaly[] = [];
    const train = splits.includes(trainSplit) ? await readStatistics(statistics!, trainSplit) : undefined;
    for (const split of splits) {
      const stats = await readStatistics(statistics!, split);
      anomalies.push(...validateStatistics(stats, schemaDoc));
      if (ctx.params.skew && train && split !== trainSplit) {
        anomalies.push(...compareStatistics(stats, train, ctx.params.skew, trainSplit));
      }
      if (ctx.params.drift && baseline && splitNames(baseline).includes(split)) {
        anomalies.push(
          ...compareStatistics(stats, await readStatistics(baseline, split), ctx.params.drift, 'baseline'),
        );
      }
    }
    const out = ctx.outputs.anomalies!;
    await fs.writeFile(path.join(out.uri, 'anomalies.json'), `${JSON.stringify({ anomalies }, null, 2)}\n`);
    out.properties = { anomalies: anomalies.length, split_names: splits };
    for (const a of anomalies)
      ctx.logger.warn(`[ExampleValidator] ${a.split}/${a.feature}: ${a.kind}: ${a.description}`);
    if (anomalies.length && ctx.params.failOnAnomalies) {
      throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `${anomalies.length} data anomalies found (see ${out.uri}).`, {
        hint: 'fix the data, or edit the schema (SchemaGen `schemaFile`) when the change is expected',
      });
    }
  },
});

/**
 * Reads the anomalies an ExampleValidator wrote.
 * @example
 *   const { anomalies } = await readAnomalies(validator.uri);
 */
export async function readAnomalies(uri: string): Promise<{ anomalies: Anomaly[] }> {
  return JSON.parse(await fs.readFile(path.join(uri, 'anomalies.json'), 'utf8')) as { anomalies: Anomaly[] };
}
