export { type AdamWOptions, createAdamW } from './adamw';
export { addonPath, type GraphAddon, loadGraphAddon, sessionConfig } from './addon';
export { CompiledTrainStep, type StepThreads } from './compiled-step';
export { COMPILED_LOSSES_AND_METRICS, graphMetric } from './loss-graph';
export { type OptimizerPlan, optimizerPlan } from './optimizer-graph';
export { compiledStepBlocker, type StepMode, selectTrainStep, type TrainStepRunner } from './select-step';
export { buildStepGraph, type StepGraph } from './step-graph';
