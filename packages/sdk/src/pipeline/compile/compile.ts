/**
 * Compiles a pipeline for an orchestrator: every node becomes a container step running
 * `tfscale pipeline run-component <pipeline file> --node <id>` (which reads its inputs from the
 * metadata store, so the pipeline root and store must be on storage every step mounts), with the
 * DAG's edges as dependencies.
 */
import type { Pipeline } from '../pipeline';
import { upstreamIds } from '../pipeline';
import { airflowDag } from './airflow';
import { argoWorkflow } from './argo';
import { kfpPipelineSpec, kfpPlatformSpec } from './kfp';
import { toYaml } from './yaml';

/** Orchestrators `compilePipeline` targets. */
export const COMPILE_TARGETS = ['kfp', 'argo', 'airflow'] as const;

/**
 * A compile target.
 * @example
 *   const t: CompileTarget = 'kfp';
 */
export type CompileTarget = (typeof COMPILE_TARGETS)[number];

/** Options of {@link compilePipeline}. */
export interface CompileOptions {
  /** The pipeline file's path inside the image. */
  pipelineFile: string;
  /** Container image with Node and tfscale (default: the pipeline's `image`). */
  image?: string;
  /**
   * A PersistentVolumeClaim every step mounts (the steps share the pipeline root and metadata
   * store through it); `PIPELINE_ROOT` is set to the mount path in each step's environment.
   */
  volume?: { claim: string; mountPath: string };
}

/** Name of the shared volume in the compiled files. */
export const VOLUME_NAME = 'pipeline-root';

/** One step: node id, its DNS-safe task name, upstream task names, and the CLI arguments. */
export interface CompiledStep {
  id: string;
  task: string;
  dependencies: string[];
  command: string[];
  args: string[];
}

/**
 * A node id as a Kubernetes / DNS-1123 label: lowercase, digits and dashes.
 * @example
 *   taskName('ExampleGen'); // 'examplegen'
 */
export function taskName(id: string): string {
  return id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The steps of a pipeline in topological order.
 * @example
 *   compiledSteps(pipeline, 'pipeline.js').map((s) => s.task);
 */
export function compiledSteps(pipeline: Pipeline, pipelineFile: string): CompiledStep[] {
  return pipeline.nodes.map((n) => ({
    id: n.id,
    task: taskName(n.id),
    dependencies: upstreamIds(n).map(taskName),
    command: ['tfscale'],
    args: ['pipeline', 'run-component', pipelineFile, '--node', n.id],
  }));
}

/**
 * The orchestrator's file for `pipeline`: KFP v2 IR YAML, an Argo Workflow or an Airflow DAG.
 * @example
 *   const { text } = compilePipeline(pipeline, 'argo', { pipelineFile: '/app/pipeline.js' });
 */
export function compilePipeline(
  pipeline: Pipeline,
  target: CompileTarget,
  options: CompileOptions,
): { text: string; extension: string } {
  const image = options.image ?? pipeline.image ?? 'tfscale:latest';
  const steps = compiledSteps(pipeline, options.pipelineFile);
  const volume = options.volume;
  if (target === 'kfp') {
    const platform = volume ? `---\n${toYaml(kfpPlatformSpec(steps, volume))}` : '';
    return {
      text: `# PIPELINE DEFINITION\n# Name: ${pipeline.name}\n${toYaml(kfpPipelineSpec(pipeline, steps, image, volume))}${platform}`,
      extension: '.kfp.yaml',
    };
  }
  if (target === 'argo') return { text: toYaml(argoWorkflow(pipeline, steps, image, volume)), extension: '.argo.yaml' };
  return { text: airflowDag(pipeline, steps, image, volume), extension: '_dag.py' };
}
