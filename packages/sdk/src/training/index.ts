/**
 * Training: the Trainer and its step loop, input pipelines, and running a run definition.
 * @packageDocumentation
 */
export { buildModel, buildOptimizer, compileModel } from './build-model';
export * from './compiled';
export * from './data';
export { type FitOptions, type ResolvedFitOptions, resolveFitOptions } from './fit-options';
export { kerasLogName, ModelFunctions } from './model-functions';
export { loaderFor, type ModelLoader, modelLoaderRegistry } from './model-loader';
export { optimizerAccess } from './optimizer-access';
export { type RunTrainingOptions, runTraining, type TrainOverrides, type TrainResult } from './run-training';
export { RunningMeans } from './running-means';
export { type GradientHook, TestStep, TrainStep } from './train-step';
export { Trainer } from './trainer';
