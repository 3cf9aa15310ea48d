/**
 * The ML Metadata store (MLMD's model, in SQLite through better-sqlite3): artifacts, executions,
 * contexts (pipeline, run, node) and events (which execution read or wrote which artifact under
 * which key). Caching and lineage are queries over it.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { TfscaleError } from '../core/errors';
import type { ArtifactType, PropertyValue } from './component';

/**
 * An artifact row.
 * @example
 *   const a: StoredArtifact = store.artifact(3)!;
 */
export interface StoredArtifact {
  readonly id: number;
  readonly type: ArtifactType;
  readonly uri: string;
  readonly fingerprint: string;
  readonly properties: Record<string, PropertyValue>;
  readonly createTime: number;
}

/** An execution's state, as MLMD names them. */
export type ExecutionState = 'RUNNING' | 'COMPLETE' | 'CACHED' | 'FAILED' | 'SKIPPED';

/**
 * An execution row.
 * @example
 *   store.executions('run-1').filter((e) => e.state === 'COMPLETE');
 */
export interface StoredExecution {
  readonly id: number;
  readonly nodeId: string;
  readonly componentType: string;
  readonly state: ExecutionState;
  readonly cacheKey: string;
  readonly runId: string;
  readonly error?: string;
  readonly startTime: number;
  readonly endTime?: number;
}

/** An event: execution `executionId` read (INPUT) or wrote (OUTPUT) artifact `artifactId` as `key`. */
export interface StoredEvent {
  readonly executionId: number;
  readonly artifactId: number;
  readonly type: 'INPUT' | 'OUTPUT';
  readonly key: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS artifacts (id INTEGER PRIMARY KEY, type TEXT NOT NULL, uri TEXT NOT NULL,
  fingerprint TEXT NOT NULL, properties TEXT NOT NULL, create_time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS executions (id INTEGER PRIMARY KEY, node_id TEXT NOT NULL, component_type TEXT NOT NULL,
  state TEXT NOT NULL, cache_key TEXT NOT NULL, run_id TEXT NOT NULL, params TEXT NOT NULL, error TEXT,
  start_time INTEGER NOT NULL, end_time INTEGER);
CREATE INDEX IF NOT EXISTS executions_cache ON executions(cache_key, state);
CREATE TABLE IF NOT EXISTS contexts (id INTEGER PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, UNIQUE(type, name));
CREATE TABLE IF NOT EXISTS associations (context_id INTEGER NOT NULL, execution_id INTEGER NOT NULL,
  PRIMARY KEY (context_id, execution_id));
CREATE TABLE IF NOT EXISTS attributions (context_id INTEGER NOT NULL, artifact_id INTEGER NOT NULL,
  PRIMARY KEY (context_id, artifact_id));
CREATE TABLE IF NOT EXISTS events (execution_id INTEGER NOT NULL, artifact_id INTEGER NOT NULL,
  type TEXT NOT NULL, key TEXT NOT NULL, time INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS events_artifact ON events(artifact_id, type);
CREATE INDEX IF NOT EXISTS events_execution ON events(execution_id, type);
`;

type Row = Record<string, unknown>;

/**
 * A metadata store in one SQLite file (`:memory:` for a throwaway one).
 * @example
 *   const store = MetadataStore.open('pipeline_root/metadata.sqlite');
 *   const served = store.latestArtifact('PushedModel', (a) => a.properties.pushed === true);
 *   store.upstream(served!.id, 'Examples'); // the data that trained it
 */
export class MetadataStore {
  private constructor(private readonly db: BetterSqlite3.Database) {}

  /** Opens (creating when missing) the store at `file`. */
  static open(file: string): MetadataStore {
    let Database: typeof BetterSqlite3;
    try {
      Database = require('better-sqlite3') as typeof BetterSqlite3;
    } catch (err) {
      throw new TfscaleError('TFSCALE_E_INVALID_VALUE', `The metadata store needs better-sqlite3: ${String(err)}`, {
        hint: 'run `npm rebuild better-sqlite3` (it builds from source with node-gyp when no prebuilt binary fits)',
      });
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new MetadataStore(db);
  }

  close(): void {
    this.db.close();
  }

  /** The id of context (type, name), created when missing. */
  context(type: string, name: string): number {
    this.db.prepare('INSERT OR IGNORE INTO contexts (type, name) VALUES (?, ?)').run(type, name);
    return (this.db.prepare('SELECT id FROM contexts WHERE type = ? AND name = ?').get(type, name) as Row).id as number;
  }

  /** Records an execution as RUNNING in `contexts`; returns its id. */
  startExecution(e: {
    nodeId: string;
    componentType: string;
    cacheKey: string;
    runId: string;
    params: string;
    contexts: number[];
    state?: ExecutionState;
  }): number {
    const id = Number(
      this.db
        .prepare(
          'INSERT INTO executions (node_id, component_type, state, cache_key, run_id, params, start_time) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(e.nodeId, e.componentType, e.state ?? 'RUNNING', e.cacheKey, e.runId, e.params, Date.now())
        .lastInsertRowid,
    );
    const assoc = this.db.prepare('INSERT OR IGNORE INTO associations (context_id, execution_id) VALUES (?, ?)');
    for (const c of e.contexts) assoc.run(c, id);
    return id;
  }

  /** Sets an execution's final state. */
  finishExecution(id: number, state: ExecutionState, error?: string): void {
    this.db
      .prepare('UPDATE executions SET state = ?, error = ?, end_time = ? WHERE id = ?')
      .run(state, error ?? null, Date.now(), id);
  }

  /** Records an artifact (attributed to `contexts`); returns its id. */
  putArtifact(
    a: { type: ArtifactType; uri: string; fingerprint: string; properties: Record<string, PropertyValue> },
    contexts: number[] = [],
  ): number {
    const id = Number(
      this.db
        .prepare('INSERT INTO artifacts (type, uri, fingerprint, properties, create_time) VALUES (?, ?, ?, ?, ?)')
        .run(a.type, a.uri, a.fingerprint, JSON.stringify(a.properties), Date.now()).lastInsertRowid,
    );
    const attr = this.db.prepare('INSERT OR IGNORE INTO attributions (context_id, artifact_id) VALUES (?, ?)');
    for (const c of contexts) attr.run(c, id);
    return id;
  }

  /** Records that execution `executionId` read or wrote `artifactId` as `key`. */
  addEvent(executionId: number, artifactId: number, type: 'INPUT' | 'OUTPUT', key: string): void {
    this.db
      .prepare('INSERT INTO events (execution_id, artifact_id, type, key, time) VALUES (?, ?, ?, ?, ?)')
      .run(executionId, artifactId, type, key, Date.now());
  }

  artifact(id: number): StoredArtifact | undefined {
    const row = this.db.prepare('SELECT * FROM artifacts WHERE id = ?').get(id) as Row | undefined;
    return row && toArtifact(row);
  }

  /** Artifacts of `type`, oldest first. */
  artifacts(type?: ArtifactType): StoredArtifact[] {
    const rows = type
      ? this.db.prepare('SELECT * FROM artifacts WHERE type = ? ORDER BY id').all(type)
      : this.db.prepare('SELECT * FROM artifacts ORDER BY id').all();
    return (rows as Row[]).map(toArtifact);
  }

  /** The newest artifact of `type` that `where` accepts (every one when omitted). */
  latestArtifact(type: ArtifactType, where: (a: StoredArtifact) => boolean = () => true): StoredArtifact | undefined {
    return this.artifacts(type).reverse().find(where);
  }

  /** Executions of one run (every run when omitted), in start order. */
  executions(runId?: string): StoredExecution[] {
    const rows = runId
      ? this.db.prepare('SELECT * FROM executions WHERE run_id = ? ORDER BY id').all(runId)
      : this.db.prepare('SELECT * FROM executions ORDER BY id').all();
    return (rows as Row[]).map(toExecution);
  }

  /** Events of an execution. */
  events(executionId: number): StoredEvent[] {
    return (
      this.db.prepare('SELECT * FROM events WHERE execution_id = ? ORDER BY rowid').all(executionId) as Row[]
    ).map(toEvent);
  }

  /**
   * The newest COMPLETE execution with `cacheKey` and its outputs by key, or undefined.
   * @example
   *   const hit = store.cachedOutputs(key); // { executionId, outputs: { examples: StoredArtifact } }
   */
  cachedOutputs(cacheKey: string): { executionId: number; outputs: Record<string, StoredArtifact> } | undefined {
    const row = this.db
      .prepare("SELECT id FROM executions WHERE cache_key = ? AND state = 'COMPLETE' ORDER BY id DESC LIMIT 1")
      .get(cacheKey) as Row | undefined;
    if (!row) return undefined;
    const executionId = row.id as number;
    const outputs: Record<string, StoredArtifact> = {};
    for (const ev of this.events(executionId)) {
      if (ev.type === 'OUTPUT') outputs[ev.key] = this.artifact(ev.artifactId)!;
    }
    return { executionId, outputs };
  }

  /** Outputs of node `nodeId`'s newest COMPLETE or CACHED execution (what `run-component` reads upstream). */
  latestOutputs(nodeId: string): Record<string, StoredArtifact> | undefined {
    const row = this.db
      .prepare(
        "SELECT id FROM executions WHERE node_id = ? AND state IN ('COMPLETE', 'CACHED') ORDER BY id DESC LIMIT 1",
      )
      .get(nodeId) as Row | undefined;
    if (!row) return undefined;
    const outputs: Record<string, StoredArtifact> = {};
    for (const ev of this.events(row.id as number)) {
      if (ev.type === 'OUTPUT') outputs[ev.key] = this.artifact(ev.artifactId)!;
    }
    return outputs;
  }

  /** The execution that produced artifact `id` (its first OUTPUT event), if any. */
  producer(id: number): StoredExecution | undefined {
    const row = this.db
      .prepare(
        "SELECT e.* FROM executions e JOIN events v ON v.execution_id = e.id WHERE v.artifact_id = ? AND v.type = 'OUTPUT' ORDER BY e.id LIMIT 1",
      )
      .get(id) as Row | undefined;
    return row && toExecution(row);
  }

  /**
   * Lineage: every artifact upstream of artifact `id` (through the executions that produced
   * each and their inputs), nearest first; only those of `type` when given.
   * @example
   *   store.upstream(pushed.id, 'Examples'); // which data trained the model now serving
   */
  upstream(id: number, type?: ArtifactType): StoredArtifact[] {
    const seen = new Set<number>([id]);
    const out: StoredArtifact[] = [];
    const queue = [id];
    while (queue.length) {
      const producer = this.producer(queue.shift()!);
      if (!producer) continue;
      for (const ev of this.events(producer.id)) {
        if (ev.type !== 'INPUT' || seen.has(ev.artifactId)) continue;
        seen.add(ev.artifactId);
        queue.push(ev.artifactId);
        out.push(this.artifact(ev.artifactId)!);
      }
    }
    return type ? out.filter((a) => a.type === type) : out;
  }

  /** Artifacts downstream of `id`: read by executions that read it, transitively (e.g. models trained on a data set). */
  downstream(id: number, type?: ArtifactType): StoredArtifact[] {
    const seen = new Set<number>([id]);
    const out: StoredArtifact[] = [];
    const queue = [id];
    const readers = this.db.prepare(
      "SELECT DISTINCT execution_id FROM events WHERE artifact_id = ? AND type = 'INPUT'",
    );
    while (queue.length) {
      for (const r of readers.all(queue.shift()!) as Row[]) {
        for (const ev of this.events(r.execution_id as number)) {
          if (ev.type !== 'OUTPUT' || seen.has(ev.artifactId)) continue;
          seen.add(ev.artifactId);
          queue.push(ev.artifactId);
          out.push(this.artifact(ev.artifactId)!);
        }
      }
    }
    return type ? out.filter((a) => a.type === type) : out;
  }
}

function toArtifact(r: Row): StoredArtifact {
  return {
    id: r.id as number,
    type: r.type as string,
    uri: r.uri as string,
    fingerprint: r.fingerprint as string,
    properties: JSON.parse(r.properties as string) as Record<string, PropertyValue>,
    createTime: r.create_time as number,
  };
}

function toExecution(r: Row): StoredExecution {
  return {
    id: r.id as number,
    nodeId: r.node_id as string,
    componentType: r.component_type as string,
    state: r.state as ExecutionState,
    cacheKey: r.cache_key as string,
    runId: r.run_id as string,
    ...(r.error ? { error: r.error as string } : {}),
    startTime: r.start_time as number,
    ...(r.end_time ? { endTime: r.end_time as number } : {}),
  };
}

function toEvent(r: Row): StoredEvent {
  return {
    executionId: r.execution_id as number,
    artifactId: r.artifact_id as number,
    type: r.type as 'INPUT' | 'OUTPUT',
    key: r.key as string,
  };
}
