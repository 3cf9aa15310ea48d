/**
 * What every plugin-point factory (strategy, callback, exporter, deployer) receives besides its
 * options.
 */
import type { DependencyContainer } from 'tsyringe';
import type { Logger } from './logger';

/**
 * The context passed to a registry factory: the run's container (resolve what you need through
 * tokens, e.g. `TrainingControlToken`) and its logger.
 *
 * @example
 * ```ts
 * const factory: CallbackFactory = (options, ctx) => {
 *   const control = ctx.container.resolve(TrainingControlToken);
 *   return { onEpochEnd: async (epoch) => { if (epoch >= 3) control.stopTraining('enough'); } };
 * };
 * ```
 */
export interface FactoryContext {
  readonly container: DependencyContainer;
  readonly logger: Logger;
}
