/**
 * The pipeline component contract (TFX's): a component declares typed input and output artifacts
 * and parameters; its executor reads input artifacts' files and writes its outputs' files under
 * folders the runner allocates. Custom components are plain objects made with
 * {@link defineComponent}, registrable by plugins in the pipeline-component registry.
 */
import type { DependencyContainer } from 'tsyringe';
import { invalidValue } from '../core/errors';
import type { Logger } from '../core/logger';
import type { MetadataStore } from './metadata-store';

/** The artifact types TFX's standard components exchange (custom components may add their own). */
export const ARTIFACT_TYPES = [
  'Examples',
  'ExampleStatistics',
  'Schema',
  'ExampleAnomalies',
  'TransformGraph',
  'Model',
  'ModelEvaluation',
  'ModelBlessing',
  'PushedModel',
] as const;

/**
 * An artifact type name: one of {@link ARTIFACT_TYPES}, or a custom one.
 * @example
 *   const t: ArtifactType = 'Examples';
 */
export type ArtifactType = (typeof ARTIFACT_TYPES)[number] | (string & {});

/** A JSON-serializable property or parameter value. */
export type PropertyValue = string | number | boolean | null | PropertyValue[] | { [key: string]: PropertyValue };

/**
 * An artifact as an executor sees it: where its files are and its properties.
 * @example
 *   const train = path.join(ctx.inputs.examples.uri, 'Split-train');
 */
export interface Artifact {
  readonly type: ArtifactType;
  /** Folder holding the artifact's files. */
  readonly uri: string;
  /** Properties; an executor may set them on its outputs (e.g. `blessed`). */
  properties: Record<string, PropertyValue>;
}

/**
 * What an executor gets: parameters, input artifacts, output artifacts (folders created, empty),
 * and the services around it.
 * @example
 *   async run(ctx) { await fs.writeFile(path.join(ctx.outputs.schema.uri, 'schema.json'), '{}'); }
 */
export interface ExecutorContext<P = Record<string, unknown>> {
  readonly nodeId: string;
  readonly params: P;
  readonly inputs: Record<string, Artifact>;
  readonly outputs: Record<string, Artifact>;
  readonly logger: Logger;
  /** The SDK container (training, exporters, serving runtimes). */
  readonly container: DependencyContainer;
  /** Past artifacts and executions, e.g. the last blessed model. */
  readonly store: MetadataStore;
  /** Folder paths in parameters resolve against this (the pipeline file's folder). */
  readonly baseDir: string;
}

/**
 * A component type: its inputs and outputs by key and artifact type, and its executor.
 * `optionalInputs` may be left unwired. `version` enters the cache key: bump it when the
 * executor's behaviour changes so cached outputs are not reused.
 * @example
 *   const Echo = defineComponent({ type: 'Echo', inputs: {}, outputs: { out: 'Examples' }, async run() {} });
 */
export interface ComponentSpec<P = Record<string, unknown>> {
  readonly type: string;
  readonly version?: string;
  readonly inputs: Record<string, ArtifactType>;
  readonly optionalInputs?: readonly string[];
  readonly outputs: Record<string, ArtifactType>;
  /**
   * A fingerprint of whatever the executor reads from outside its inputs (e.g. the source files
   * ExampleGen reads): it enters the cache key, so a changed source reruns the component.
   */
  readonly externalFingerprint?: (params: P, baseDir: string) => Promise<string>;
  run(ctx: ExecutorContext<P>): Promise<void>;
}

/**
 * A reference to one output of a node, wired into another node's inputs.
 * @example
 *   StatisticsGen({ examples: gen.outputs.examples });
 */
export interface OutputRef {
  readonly node: PipelineNode;
  readonly key: string;
  readonly type: ArtifactType;
}

/** A component instance in a pipeline: an id, its spec, parameters and wired inputs. */
export interface PipelineNode<P = AnyParams> {
  readonly id: string;
  readonly spec: ComponentSpec<P>;
  readonly params: P;
  readonly inputs: Record<string, OutputRef>;
  readonly outputs: Record<string, OutputRef>;
}

/**
 * Parameters of a node whose component is not known statically (an executor's context is
 * contravariant in them, so only `any` admits every component's nodes in one list).
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnyParams = any;

/** Options every component factory takes besides its inputs and parameters. */
export interface NodeOptions {
  /** Node id (default: the component type); unique within a pipeline. */
  id?: string;
}

/**
 * Instantiates a component: checks the wiring against the spec's declared types.
 * @example
 *   const stats = createNode(StatisticsGenSpec, { examples: gen.outputs.examples }, {});
 */
export function createNode<P>(
  spec: ComponentSpec<P>,
  inputs: Record<string, OutputRef | undefined>,
  params: P,
  options: NodeOptions = {},
): PipelineNode<P> {
  const wired: Record<string, OutputRef> = {};
  for (const [key, type] of Object.entries(spec.inputs)) {
    const ref = inputs[key];
    if (!ref) {
      if (spec.optionalInputs?.includes(key)) continue;
      throw invalidValue(`${spec.type} input \`${key}\``, undefined, `an output of type ${type}`);
    }
    if (ref.type !== type) {
      throw invalidValue(
        `${spec.type} input \`${key}\``,
        `${ref.node.id}.${ref.key} (${ref.type})`,
        `an output of type ${type} (${spec.type} input \`${key}\` expects ${type} but got ${ref.type})`,
      );
    }
    wired[key] = ref;
  }
  for (const key of Object.keys(inputs)) {
    if (!(key in spec.inputs) && inputs[key]) {
      throw invalidValue(`${spec.type} input`, key, `one of ${Object.keys(spec.inputs).join(', ') || '(none)'}`);
    }
  }
  const node: PipelineNode<P> = { id: options.id ?? spec.type, spec, params, inputs: wired, outputs: {} };
  for (const [key, type] of Object.entries(spec.outputs)) {
    (node.outputs as Record<string, OutputRef>)[key] = { node, key, type };
  }
  return node;
}

/**
 * Declares a component type; returns a factory making nodes of it (`Comp(inputs, params, opts)`).
 * @example
 *   const Count = defineComponent<{ n: number }>({ type: 'Count', inputs: { examples: 'Examples' }, outputs: {}, async run(ctx) {} });
 *   const node = Count({ examples: gen.outputs.examples }, { n: 3 });
 */
export function defineComponent<P = Record<string, unknown>>(
  spec: ComponentSpec<P>,
): ComponentFactory<P> & { spec: ComponentSpec<P> } {
  const factory = (inputs: Record<string, OutputRef | undefined>, params: P, options?: NodeOptions) =>
    createNode(spec, inputs, params, options);
  return Object.assign(factory, { spec });
}

/**
 * A function making nodes of one component type.
 * @example
 *   const make: ComponentFactory = ExampleGen;
 */
export type ComponentFactory<P = AnyParams> = (
  inputs: Record<string, OutputRef | undefined>,
  params: P,
  options?: NodeOptions,
) => PipelineNode<P>;
