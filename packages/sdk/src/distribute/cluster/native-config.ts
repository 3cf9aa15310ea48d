/**
 * The tfscale-native cluster form: a flat worker list and this process's rank, for launchers
 * and hand-written setups where TF_CONFIG's job/task structure is more than needed.
 * `TFSCALE_CLUSTER='{"workers":["h1:7000","h2:7000"],"rank":1}'` is worker `rank` of a cluster
 * with no chief, so rank 0 is the chief (TF's rule for worker-only clusters).
 */
import { closestMatch } from '../../core/did-you-mean';
import { clusterError, parseJsonVariable } from './cluster-error';
import { type ClusterSource, type ClusterSpec, createClusterSpec } from './cluster-spec';

/**
 * A tfscale-native cluster: every training process's `host:port` in rank order, and this one's
 * rank.
 *
 * @example
 * ```ts
 * const config: NativeClusterConfig = { workers: ['h1:7000', 'h2:7000'], rank: 1 };
 * ```
 */
export interface NativeClusterConfig {
  readonly workers: readonly string[];
  readonly rank: number;
}

const KEYS = ['workers', 'rank'];
const EXAMPLE = '{"workers": ["h1:7000", "h2:7000"], "rank": 1}';

/**
 * Checks a native cluster object (unknown keys are refused, with a did-you-mean: this format is
 * ours, so a typo is never someone else's extension) and builds the cluster.
 *
 * @example
 * ```ts
 * clusterFromNativeConfig({ workers: ['h1:7000', 'h2:7000'], rank: 1 }).ranks; // rank 1 of 2, not chief
 * ```
 */
export function clusterFromNativeConfig(
  value: unknown,
  name = 'cluster',
  source: ClusterSource = 'tfscale-config',
): ClusterSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw clusterError(name, value, `an object such as ${EXAMPLE}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (KEYS.includes(key)) continue;
    const near = closestMatch(key, KEYS);
    throw clusterError(
      `${name}.${key}`,
      record[key],
      'only `workers` and `rank`',
      near ? `Did you mean "${near}"?` : undefined,
    );
  }
  const { workers, rank } = record;
  if (!Array.isArray(workers))
    throw clusterError(`${name}.workers`, workers, 'a non-empty list of "host:port" addresses');
  if (typeof rank !== 'number' || !Number.isSafeInteger(rank) || rank < 0 || rank >= workers.length) {
    throw clusterError(`${name}.rank`, rank, `an integer from 0 to ${Math.max(0, workers.length - 1)}`);
  }
  return createClusterSpec({
    jobs: { worker: workers },
    self: { type: 'worker', index: rank },
    source,
    names: { cluster: name, type: `${name}.rank`, index: `${name}.rank`, job: () => `${name}.workers` },
  });
}

/**
 * Parses the `TFSCALE_CLUSTER` variable's text (see {@link clusterFromNativeConfig}).
 *
 * @example
 * ```ts
 * parseNativeCluster('{"workers":["h1:7000","h2:7000"],"rank":0}').ranks.isChief; // true
 * ```
 */
export function parseNativeCluster(text: string, name = 'TFSCALE_CLUSTER'): ClusterSpec {
  return clusterFromNativeConfig(parseJsonVariable(name, text, EXAMPLE), name, 'tfscale-env');
}
