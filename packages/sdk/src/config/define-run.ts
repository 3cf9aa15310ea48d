import type { RunDefinition, RunDefinitionInput } from './run-schema';
import { parseRun } from './validate-run';

/**
 * Declares a training run in TypeScript. Returns the definition validated and with defaults filled
 * (`data.batchSize` 32, `data.shuffle` true, `epochs` 1, `strategy` 'one-device', `backend` 'auto',
 * `outputDir` 'runs/<name>'); throws a `ConfigError` naming each bad field otherwise.
 * Export the result as the module's default for `tfscale train`.
 * @example
 *   export default defineRun({
 *     name: 'mnist',
 *     model: { type: 'sequential', layers: [
 *       { type: 'dense', units: 64, activation: 'relu', inputShape: [784] },
 *       { type: 'dense', units: 10, activation: 'softmax' },
 *     ] },
 *     compile: { optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
 *     data: { train: { csv: 'data/mnist-train.csv', label: 'digit' }, validationSplit: 0.1, batchSize: 128 },
 *     epochs: 5,
 *     strategy: 'mirrored',
 *   });
 */
export function defineRun(definition: RunDefinitionInput): RunDefinition {
  return parseRun(definition, { form: 'ts' });
}
