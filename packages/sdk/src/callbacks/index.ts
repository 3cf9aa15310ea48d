/**
 * Callbacks: the contract (hooks, context, list, training control) and the built-in callbacks,
 * one per file, with Keras semantics.
 * @packageDocumentation
 */
export { BackupAndRestore, type BackupAndRestoreOptions } from './backup-and-restore';
export { BUILTIN_CALLBACKS, registerBuiltinCallbacks } from './builtin-callbacks';
export {
  CALLBACK_HOOKS,
  type Callback,
  type CallbackFactory,
  type CallbackHookName,
  type CallbackHooks,
  CallbackToken,
  type Logs,
} from './callback';
export type {
  CallbackContext,
  NamedTensor,
  OptimizerAccess,
  ProgressAccess,
  ResumeState,
  TrainingParams,
  TrainingPosition,
} from './callback-context';
export { type CallbackInfo, CallbackList } from './callback-list';
export { CSVLogger, type CSVLoggerOptions } from './csv-logger';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping';
export { FilepathTemplate, formatFilepath } from './format-filepath';
export { History } from './history';
export { LearningRateScheduler, type LearningRateSchedulerOptions, type Schedule } from './learning-rate-scheduler';
export { type MetricsEvent, MetricsStream, type MetricsStreamOptions, type StreamedLogs } from './metrics-stream';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint';
export { MonitorCallback, type MonitorMode, type MonitorOptions, monitorDirection } from './monitor-callback';
export { ProgressBar, type ProgressBarOptions } from './progress-bar';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce-lr-on-plateau';
export { TensorBoard, type TensorBoardOptions } from './tensorboard';
export { TerminateOnNaN, type TerminateOnNaNOptions } from './terminate-on-nan';
export { SimpleTrainingControl, type TrainingControl, TrainingControlToken } from './training-control';
