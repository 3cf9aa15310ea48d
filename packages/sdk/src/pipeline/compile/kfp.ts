/**
 * Kubeflow Pipelines v2 IR (ml_pipelines.PipelineSpec, schemaVersion 2.1.0; Vertex AI Pipelines
 * runs the same IR): one component + container executor per node, the root DAG's tasks depending
 * on their upstream tasks. Artifacts are not passed as KFP artifacts: each step reads its inputs
 * from the tfscale metadata store on the shared pipeline root.
 */
import type { Pipeline } from '../pipeline';
import type { CompiledStep } from './compile';
import type { Json } from './yaml';

/**
 * The PipelineSpec as JSON (proto3 JSON names, as the KFP compiler writes them).
 * @example
 *   const spec = kfpPipelineSpec(pipeline, compiledSteps(pipeline, 'pipeline.js'), 'img');
 */
export function kfpPipelineSpec(pipeline: Pipeline, steps: CompiledStep[], image: string): { [k: string]: Json } {
  const components: { [k: string]: Json } = {};
  const executors: { [k: string]: Json } = {};
  const tasks: { [k: string]: Json } = {};
  for (const s of steps) {
    components[`comp-${s.task}`] = { executorLabel: `exec-${s.task}` };
    executors[`exec-${s.task}`] = { container: { image, command: s.command, args: s.args } };
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
