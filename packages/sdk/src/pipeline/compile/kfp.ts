/**
 * Kubeflow Pipelines v2 IR (ml_pipelines.PipelineSpec, schemaVersion 2.1.0; Vertex AI Pipelines
 * runs the same IR): one component + container executor per node, the root DAG's tasks depending
 * on their upstream tasks. Artifacts are not passed as KFP artifacts: each step reads its inputs
 * from the tfscale metadata store on the shared pipeline root.
 */
import type { Pipeline } from '../pipeline';
import type { CompiledStep, CompileOptions } from './compile';
import type { Json } from './yaml';

/**
 * The PipelineSpec as JSON (proto3 JSON names, as the KFP compiler writes them).
 * @example
 *   const spec = kfpPipelineSpec(pipeline, compiledSteps(pipeline, 'pipeline.js'), 'img');
 */
export function kfpPipelineSpec(
  pipeline: Pipeline,
  steps: CompiledStep[],
  image: string,
  volume?: CompileOptions['volume'],
): { [k: string]: Json } {
  const env: { [k: string]: Json } = volume ? { env: [{ name: 'PIPELINE_ROOT', value: volume.mountPath }] } : {};
  const components: { [k: string]: Json } = {};
  const executors: { [k: string]: Json } = {};
  const tasks: { [k: string]: Json } = {};
  for (const s of steps) {
    components[`comp-${s.task}`] = { executorLabel: `exec-${s.task}` };
    executors[`exec-${s.task}`] = { container: { image, command: s.command, args: s.args, ...env } };
    tasks[s.task] = {
      cachingOptions: { enableCache: true },
      componentRef: { name: `comp-${s.task}` },
      ...(s.dependencies.length ? { dependentTasks: s.dependencies } : {}),
      taskInfo: { name: s.task },
    };
  }
  return {
    components,
    defaultPipelineRoot: pipeline.root,
    deploymentSpec: { executors },
    pipelineInfo: { name: pipeline.name },
    root: { dag: { tasks } },
    schemaVersion: '2.1.0',
    sdkVersion: 'tfscale-0.1.0',
  };
}

/**
 * The second IR document (kfp-kubernetes' platform spec): every executor mounts the claim.
 * @example
 *   kfpPlatformSpec(steps, { claim: 'pipelines', mountPath: '/pipeline' });
 */
export function kfpPlatformSpec(
  steps: CompiledStep[],
  volume: NonNullable<CompileOptions['volume']>,
): { [k: string]: Json } {
  const executors: { [k: string]: Json } = {};
  for (const s of steps)
    executors[`exec-${s.task}`] = { pvcMount: [{ constant: volume.claim, mountPath: volume.mountPath }] };
  return { platforms: { kubernetes: { deploymentSpec: { executors } } } };
}
