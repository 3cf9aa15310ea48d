/**
 * TF2's asynchronous ParameterServerStrategy: the coordinator (chief), parameter servers (ps)
 * holding the variables and their optimizer, and workers computing gradients. The wire layer
 * (messages, channels) stays internal.
 */
export { Coordinator, type CoordinatorOptions, type VariableLayout } from './coordinator';
export { CoordinatorData } from './coordinator-data';
export { type ParameterServerOptions, ParameterServerStrategy } from './parameter-server-strategy';
export { PsClient, type PsClientOptions } from './ps-client';
export { coordinatorLost, psLost, psMismatch } from './ps-errors';
export { PsTask, type PsTaskOptions } from './ps-task';
export { type ShardSpecMessage, ShardStore } from './shard-store';
export { type UnitResult, UnitScheduler, type WorkUnit } from './unit-scheduler';
export { type PlacementPolicy, placeVariables, shardIndices } from './variable-placement';
export { type StepOutput, WorkerStep } from './worker-step';
export { runWorker, type WorkerTaskOptions } from './worker-task';
