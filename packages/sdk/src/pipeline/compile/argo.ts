/**
 * An Argo Workflow (argoproj.io/v1alpha1): a DAG template whose tasks each run one node's
 * container step, `dependencies` from the pipeline's edges.
 */
import type { Pipeline } from '../pipeline';
import { type CompiledStep, type CompileOptions, VOLUME_NAME } from './compile';
import type { Json } from './yaml';

/**
 * The Workflow object.
 * @example
 *   const wf = argoWorkflow(pipeline, compiledSteps(pipeline, 'pipeline.js'), 'img');
 */
export function argoWorkflow(
  pipeline: Pipeline,
  steps: CompiledStep[],
  image: string,
  volume?: CompileOptions['volume'],
): { [k: string]: Json } {
  const mount: { [k: string]: Json } = volume
    ? {
        env: [{ name: 'PIPELINE_ROOT', value: volume.mountPath }],
        volumeMounts: [{ name: VOLUME_NAME, mountPath: volume.mountPath }],
      }
    : {};
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${pipeline.name}-`, labels: { 'tfscale.dev/pipeline': pipeline.name } },
    spec: {
      entrypoint: 'pipeline',
      ...(volume ? { volumes: [{ name: VOLUME_NAME, persistentVolumeClaim: { claimName: volume.claim } }] } : {}),
      templates: [
        {
          name: 'pipeline',
          dag: {
            tasks: steps.map((s) => ({
              name: s.task,
              template: s.task,
              ...(s.dependencies.length ? { dependencies: s.dependencies } : {}),
            })),
          },
        },
        ...steps.map((s) => ({ name: s.task, container: { image, command: s.command, args: s.args, ...mount } })),
      ],
    },
  };
}
