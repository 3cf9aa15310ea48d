/**
 * Which ps task holds which variable. TF2's ParameterServerStrategy places variables round-robin
 * over the ps tasks in creation order when no `variable_partitioner` is given; TF1's
 * `GreedyLoadBalancingStrategy(byte_size_load_fn)` puts each on the least-loaded ps instead,
 * which evens out memory and traffic when variable sizes differ a lot.
 */
import { invalidValue } from '../../core/errors';

/**
 * How variables are spread over ps tasks.
 *
 * @example
 * ```ts
 * const policy: PlacementPolicy = 'by-size';
 * ```
 */
export type PlacementPolicy = 'round-robin' | 'by-size';

/**
 * The ps task of every variable, by variable index (creation order).
 *
 * @example
 * ```ts
 * placeVariables([[64, 32], [32], [32, 10], [10]], 2, 'round-robin'); // [0, 1, 0, 1]
 * placeVariables([[64, 32], [32], [32, 10], [10]], 2, 'by-size'); // [0, 1, 1, 1]
 * ```
 */
export function placeVariables(
  shapes: readonly (readonly number[])[],
  numPs: number,
  policy: PlacementPolicy,
): number[] {
  if (!Number.isSafeInteger(numPs) || numPs < 1) throw invalidValue('numPs', numPs, 'an integer >= 1');
  if (policy === 'round-robin') return shapes.map((_, i) => i % numPs);
  if (policy !== 'by-size') throw invalidValue('placement', policy, "'round-robin' or 'by-size'");
  const load = new Array<number>(numPs).fill(0);
  return shapes.map((shape) => {
    const ps = load.indexOf(Math.min(...load)); // lowest index wins ties: deterministic everywhere
    load[ps] += shape.reduce((n, d) => n * d, 1);
    return ps;
  });
}

/**
 * Variable indices per ps task, in variable order (the order a shard's arrays travel in).
 *
 * @example
 * ```ts
 * shardIndices([0, 1, 0, 1], 2); // [[0, 2], [1, 3]]
 * ```
 */
export function shardIndices(placement: readonly number[], numPs: number): number[][] {
  const shards = Array.from({ length: numPs }, (): number[] => []);
  placement.forEach((ps, i) => {
    shards[ps].push(i);
  });
  return shards;
}
