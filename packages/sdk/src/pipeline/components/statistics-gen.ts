/**
 * StatisticsGen: streaming per-feature statistics of every split of an Examples artifact,
 * written as `Split-<name>/stats.json`, plus `report.html` with charts.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Artifact } from '../component';
import { defineComponent } from '../component';
import { readSplit, splitNames } from '../examples-io';
import { type SplitStatistics, StatisticsAccumulator } from '../statistics';
import { statisticsHtml } from '../stats-report';

/**
 * StatisticsGen's parameters (none needed).
 * @example
 *   const p: StatisticsGenParams = {};
 */
export type StatisticsGenParams = Record<string, never>;

/**
 * Makes a StatisticsGen node: input `examples`, output `statistics` (ExampleStatistics).
 * @example
 *   const stats = StatisticsGen({ examples: gen.outputs.examples }, {});
 */
export const StatisticsGen = defineComponent<StatisticsGenParams>({
  type: 'StatisticsGen',
  inputs: { examples: 'Examples' },
  outputs: { statistics: 'ExampleStatistics' },
  async run(ctx) {
    const examples = ctx.inputs.examples!;
    const out = ctx.outputs.statistics!;
    const all: SplitStatistics[] = [];
    for (const split of splitNames(examples)) {
      const stats = await computeSplitStatistics(examples, split);
      await fs.mkdir(path.join(out.uri, `Split-${split}`), { recursive: true });
      await fs.writeFile(path.join(out.uri, `Split-${split}`, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
      all.push(stats);
    }
    await fs.writeFile(path.join(out.uri, 'report.html'), statisticsHtml(`Statistics — ${ctx.nodeId}`, all));
    out.properties = { split_names: splitNames(examples), span: examples.properties.span ?? 0 };
  },
});

/**
 * Statistics of one split of an Examples artifact (two streaming passes at most).
 * @example
 *   const s = await computeSplitStatistics(examples, 'train');
 */
export async function computeSplitStatistics(examples: Artifact, split: string): Promise<SplitStatistics> {
  const acc = new StatisticsAccumulator();
  for await (const ex of readSplit(examples, split)) acc.add(ex);
  return acc.finish(split, readSplit(examples, split));
}

/**
 * Reads the statistics StatisticsGen wrote for `split`.
 * @example
 *   const train = await readStatistics(ctx.inputs.statistics, 'train');
 */
export async function readStatistics(statistics: Artifact, split: string): Promise<SplitStatistics> {
  return JSON.parse(
    await fs.readFile(path.join(statistics.uri, `Split-${split}`, 'stats.json'), 'utf8'),
  ) as SplitStatistics;
}
