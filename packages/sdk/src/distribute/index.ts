/**
 * Distribution: the strategy contract, strategies, cluster resolution and the collective layer.
 */

export { registerBuiltinStrategies } from './builtin-strategies';
export * from './cluster';
export * from './collective';
export { allReduceGradients, allReduceLogs, broadcastWeights, prepareDistributedFit } from './distributed-fit';
export * from './parameter-server';
export { CollectiveStrategy, type CollectiveStrategyOptions } from './strategies/collective-strategy';
export { type OneDeviceOptions, OneDeviceStrategy } from './strategies/one-device';
export {
  type BatchPlan,
  type NumericArray,
  type PreparedFit,
  type ReduceOp,
  type Strategy,
  type StrategyContext,
  type StrategyFactory,
  StrategyToken,
  splitGlobalBatch,
} from './strategy';
