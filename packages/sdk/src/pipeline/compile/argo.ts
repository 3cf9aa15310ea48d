/**
 * An Argo Workflow (argoproj.io/v1alpha1): a DAG template whose tasks each run one node's
 * container step, `dependencies` from the pipeline's edges.
 */
import type { Pipeline } from '../pipeline';
import type { CompiledStep } from './compile';
import type { Json } from './yaml';

/**
 * The Workflow object.
 * @example
 *   const wf = argoWorkflow(pipeline, compiledSteps(pipeline, 'pipeline.js'), 'img');
 */
export function argoWorkflow(pipeline: Pipeline, steps: CompiledStep[], image: string): { [k: string]: Json } {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${pipeline.name}-`, labels: { 'tfscale.dev/pipeline': pipeline.name } },
    spec: {
      entrypoint: 'pipeline',
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
        ...steps.map((s) => ({ name: s.task, container: { image, command: s.command, args: s.args } })),
      ],
    },
  };
}
