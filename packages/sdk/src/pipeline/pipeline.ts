/**
 * A pipeline: named nodes forming a DAG through their wired inputs, a root folder for artifacts
 * and a metadata store file.
 */
import * as path from 'node:path';
import { invalidValue } from '../core/errors';
import type { PipelineNode } from './component';

/**
 * A pipeline definition, as `definePipeline` returns it.
 * @example
 *   const p: Pipeline = definePipeline({ name: 'iris', root: 'pipeline_root', components: [gen, stats] });
 */
export interface Pipeline {
  readonly name: string;
  /** Artifacts go under `<root>/<node id>/<output key>/<execution id>`. */
  readonly root: string;
  /** SQLite metadata store (default `<root>/metadata.sqlite`). */
  readonly metadataPath: string;
  /** Nodes in topological order. */
  readonly nodes: readonly PipelineNode[];
  /** Container image the compiled targets run the CLI in. */
  readonly image?: string;
}

/** Options of {@link definePipeline}. */
export interface PipelineOptions {
  name: string;
  root: string;
  components: PipelineNode[];
  metadataPath?: string;
  image?: string;
}

/**
 * Checks a pipeline (unique ids, every upstream node included, no cycle) and orders its nodes.
 * Relative paths are kept as given; the runner resolves them against the pipeline file's folder.
 * @example
 *   export default definePipeline({ name: 'iris', root: '../../runs/pipeline', components: [gen, stats, schema] });
 */
export function definePipeline(options: PipelineOptions): Pipeline {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.name)) {
    throw invalidValue('name', options.name, 'lowercase letters, digits and dashes (a Kubernetes-safe name)');
  }
  const byId = new Map<string, PipelineNode>();
  for (const n of options.components) {
    if (!/^[A-Za-z][\w-]*$/.test(n.id)) throw invalidValue('node id', n.id, 'letters, digits, _ and -');
    if (byId.has(n.id) && byId.get(n.id) !== n) {
      throw invalidValue('node id', n.id, 'ids unique within the pipeline', 'pass { id } as the third argument');
    }
    byId.set(n.id, n);
  }
  for (const n of byId.values()) {
    for (const [key, ref] of Object.entries(n.inputs)) {
      if (byId.get(ref.node.id) !== ref.node) {
        throw invalidValue(`${n.id}.inputs.${key}`, ref.node.id, 'a node listed in `components`');
      }
    }
  }
  return {
    name: options.name,
    root: options.root,
    metadataPath: options.metadataPath ?? path.join(options.root, 'metadata.sqlite'),
    nodes: topologicalOrder([...byId.values()]),
    ...(options.image ? { image: options.image } : {}),
  };
}

/**
 * Ids of the nodes `node` reads from.
 * @example
 *   upstreamIds(trainer); // ['Transform', 'ExampleGen']
 */
export function upstreamIds(node: PipelineNode): string[] {
  return [...new Set(Object.values(node.inputs).map((r) => r.node.id))];
}

function topologicalOrder(nodes: PipelineNode[]): PipelineNode[] {
  const out: PipelineNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const visit = (n: PipelineNode, trail: string[]) => {
    if (state.get(n.id) === 'done') return;
    if (state.get(n.id) === 'visiting') throw invalidValue('components', [...trail, n.id].join(' -> '), 'no cycle');
    state.set(n.id, 'visiting');
    for (const id of upstreamIds(n)) visit(byId.get(id)!, [...trail, n.id]);
    state.set(n.id, 'done');
    out.push(n);
  };
  for (const n of nodes) visit(n, []);
  return out;
}
