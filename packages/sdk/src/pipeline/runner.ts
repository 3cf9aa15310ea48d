/**
 * The local runner: executes a pipeline's DAG in this process, independent nodes in parallel,
 * skipping a node whose cache key (component type and version, parameters, input artifact
 * fingerprints, external fingerprint) matches a completed execution, and recording everything in
 * the metadata store. A failure stops the failed node's dependants only.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { TfscaleError } from '../core/errors';
import { type Logger, silentLogger } from '../core/logger';
import type { Artifact, PipelineNode } from './component';
import { canonicalJson, fingerprintPath, sha256 } from './fingerprint';
import { type ExecutionState, MetadataStore, type StoredArtifact } from './metadata-store';
import { type Pipeline, upstreamIds } from './pipeline';

/** What happened to one node in a run. */
export interface NodeResult {
  readonly id: string;
  readonly componentType: string;
  readonly state: ExecutionState;
  readonly durationMs: number;
  readonly outputs: Record<string, StoredArtifact>;
  readonly error?: string;
}

/**
 * A run's summary.
 * @example
 *   const s = await runPipeline(p, { container }); s.nodes.filter((n) => n.state === 'COMPLETE').length;
 */
export interface PipelineRunResult {
  readonly runId: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly nodes: NodeResult[];
}

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  container: DependencyContainer;
  logger?: Logger;
  /** Relative `root`/`metadataPath`/parameter paths resolve against this (default: cwd). */
  baseDir?: string;
  /** Most nodes running at once (default 4). */
  concurrency?: number;
  /** Run only these nodes; the others' newest outputs in the store feed them (`run-component`). */
  only?: string[];
  /** Ignore the cache (every node executes). */
  noCache?: boolean;
  runId?: string;
  /** Called as nodes start and end. */
  onProgress?: (event: { id: string; state: ExecutionState | 'STARTED' }) => void;
}

/**
 * Runs `pipeline` locally; resolves with a summary (failures are in it, not thrown).
 * @example
 *   const result = await runPipeline(pipeline, { container: createSdkContainer(), baseDir: __dirname });
 *   console.log(formatSummary(result));
 */
export async function runPipeline(pipeline: Pipeline, options: RunPipelineOptions): Promise<PipelineRunResult> {
  const baseDir = options.baseDir ?? process.cwd();
  const root = path.resolve(baseDir, pipeline.root);
  await fs.mkdir(root, { recursive: true });
  const store = MetadataStore.open(path.resolve(baseDir, pipeline.metadataPath));
  const logger = options.logger ?? silentLogger;
  const runId = options.runId ?? `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  const pipelineCtx = store.context('pipeline', pipeline.name);
  const runCtx = store.context('pipeline_run', `${pipeline.name}/${runId}`);
  const started = Date.now();
  const results = new Map<string, NodeResult>();
  const only = options.only && new Set(options.only);
  for (const id of only ?? []) {
    if (!pipeline.nodes.some((n) => n.id === id)) {
      throw new TfscaleError('TFSCALE_E_REGISTRY_UNKNOWN', `No node "${id}" in pipeline ${pipeline.name}.`, {
        hint: `nodes: ${pipeline.nodes.map((n) => n.id).join(', ')}`,
      });
    }
  }

  const runNode = async (node: PipelineNode): Promise<NodeResult> => {
    const t0 = Date.now();
    const done = (state: ExecutionState, outputs: Record<string, StoredArtifact> = {}, error?: string) => {
      const r: NodeResult = {
        id: node.id,
        componentType: node.spec.type,
        state,
        durationMs: Date.now() - t0,
        outputs,
        ...(error ? { error } : {}),
      };
      options.onProgress?.({ id: node.id, state });
      return r;
    };
    const inputs: Record<string, StoredArtifact> = {};
    for (const [key, ref] of Object.entries(node.inputs)) {
      const upstream = results.get(ref.node.id);
      const artifact = upstream
        ? upstream.state === 'COMPLETE' || upstream.state === 'CACHED'
          ? upstream.outputs[ref.key]
          : undefined
        : store.latestOutputs(ref.node.id)?.[ref.key];
      if (!artifact) {
        const why = upstream ? `${ref.node.id} ${upstream.state}` : `no output of ${ref.node.id} in the store`;
        const id = store.startExecution({
          nodeId: node.id,
          componentType: node.spec.type,
          cacheKey: '',
          runId,
          params: canonicalJson(node.params),
          contexts: [pipelineCtx, runCtx],
          state: 'SKIPPED',
        });
        store.finishExecution(id, 'SKIPPED', why);
        return done('SKIPPED', {}, why);
      }
      inputs[key] = artifact;
    }
    const external = node.spec.externalFingerprint ? await node.spec.externalFingerprint(node.params, baseDir) : '';
    const cacheKey = sha256(
      node.spec.type,
      node.spec.version ?? '1',
      node.id,
      canonicalJson(node.params),
      canonicalJson(Object.fromEntries(Object.entries(inputs).map(([k, a]) => [k, `${a.type}:${a.fingerprint}`]))),
      external,
    );
    const contexts = [pipelineCtx, runCtx, store.context('node', `${pipeline.name}.${node.id}`)];
    const hit = options.noCache ? undefined : store.cachedOutputs(cacheKey);
    if (hit && (await allExist(Object.values(hit.outputs)))) {
      const id = store.startExecution({ ...execRow(node, cacheKey, runId), contexts, state: 'CACHED' });
      for (const [k, a] of Object.entries(inputs)) store.addEvent(id, a.id, 'INPUT', k);
      for (const [k, a] of Object.entries(hit.outputs)) store.addEvent(id, a.id, 'OUTPUT', k);
      store.finishExecution(id, 'CACHED');
      logger.info(`[pipeline] ${node.id}: cached (execution ${hit.executionId})`);
      return done('CACHED', hit.outputs);
    }
    const execId = store.startExecution({ ...execRow(node, cacheKey, runId), contexts });
    options.onProgress?.({ id: node.id, state: 'STARTED' });
    logger.info(`[pipeline] ${node.id}: running (execution ${execId})`);
    for (const [k, a] of Object.entries(inputs)) store.addEvent(execId, a.id, 'INPUT', k);
    const outputs: Record<string, Artifact> = {};
    try {
      for (const [key, type] of Object.entries(node.spec.outputs)) {
        const uri = path.join(root, node.id, key, String(execId));
        await fs.rm(uri, { recursive: true, force: true });
        await fs.mkdir(uri, { recursive: true });
        outputs[key] = { type, uri, properties: {} };
      }
      await node.spec.run({
        nodeId: node.id,
        params: node.params,
        inputs: Object.fromEntries(
          Object.entries(inputs).map(([k, a]) => [k, { type: a.type, uri: a.uri, properties: { ...a.properties } }]),
        ),
        outputs,
        logger,
        container: options.container,
        store,
        baseDir,
      });
      const stored: Record<string, StoredArtifact> = {};
      for (const [key, a] of Object.entries(outputs)) {
        const fingerprint = await fingerprintPath(a.uri);
        const id = store.putArtifact({ type: a.type, uri: a.uri, fingerprint, properties: a.properties }, contexts);
        store.addEvent(execId, id, 'OUTPUT', key);
        stored[key] = store.artifact(id)!;
      }
      store.finishExecution(execId, 'COMPLETE');
      logger.info(`[pipeline] ${node.id}: done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      return done('COMPLETE', stored);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      store.finishExecution(execId, 'FAILED', message);
      logger.error(`[pipeline] ${node.id}: FAILED: ${message}`);
      return done('FAILED', {}, message);
    }
  };

  try {
    const nodes = pipeline.nodes.filter((n) => !only || only.has(n.id));
    const pending = new Map<string, Promise<NodeResult>>();
    const limit = Math.max(1, options.concurrency ?? 4);
    let running = 0;
    const waiters: Array<() => void> = [];
    const acquire = async () => {
      while (running >= limit) await new Promise<void>((r) => waiters.push(r));
      running++;
    };
    const release = () => {
      running--;
      waiters.shift()?.();
    };
    for (const node of nodes) {
      const deps = upstreamIds(node)
        .map((id) => pending.get(id))
        .filter((p): p is Promise<NodeResult> => p !== undefined);
      pending.set(
        node.id,
        Promise.all(deps).then(async () => {
          await acquire();
          try {
            const r = await runNode(node);
            results.set(node.id, r);
            return r;
          } finally {
            release();
          }
        }),
      );
    }
    await Promise.all(pending.values());
  } finally {
    store.close();
  }
  const ordered = pipeline.nodes.filter((n) => results.has(n.id)).map((n) => results.get(n.id)!);
  return {
    runId,
    ok: ordered.every((r) => r.state === 'COMPLETE' || r.state === 'CACHED'),
    durationMs: Date.now() - started,
    nodes: ordered,
  };
}

function execRow(node: PipelineNode, cacheKey: string, runId: string) {
  return { nodeId: node.id, componentType: node.spec.type, cacheKey, runId, params: canonicalJson(node.params) };
}

async function allExist(artifacts: StoredArtifact[]): Promise<boolean> {
  for (const a of artifacts) {
    if (!(await fs.stat(a.uri).catch(() => undefined))) return false;
  }
  return true;
}

/**
 * A plain-text table of a run: node, state, seconds, error.
 * @example
 *   console.log(formatSummary(await runPipeline(p, { container })));
 */
export function formatSummary(result: PipelineRunResult): string {
  const width = Math.max(4, ...result.nodes.map((n) => n.id.length));
  const lines = result.nodes.map(
    (n) =>
      `${n.id.padEnd(width)}  ${n.state.padEnd(8)}  ${(n.durationMs / 1000).toFixed(1).padStart(6)}s${n.error ? `  ${n.error}` : ''}`,
  );
  const count = (s: ExecutionState) => result.nodes.filter((n) => n.state === s).length;
  lines.push(
    `${result.ok ? 'OK' : 'FAILED'} in ${(result.durationMs / 1000).toFixed(1)}s: ${count('COMPLETE')} executed, ${count('CACHED')} cached, ${count('FAILED')} failed, ${count('SKIPPED')} skipped (run ${result.runId})`,
  );
  return [`${'node'.padEnd(width)}  state     time`, ...lines].join('\n');
}
