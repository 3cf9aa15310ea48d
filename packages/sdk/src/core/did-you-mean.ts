/**
 * "Did you mean …?" suggestions for unknown names (registries, CLI flags, config keys).
 */

/**
 * Levenshtein edit distance, case-insensitive.
 *
 * @example
 * ```ts
 * editDistance('mirored', 'mirrored'); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input`, or `undefined` when none is close enough (at most a third of
 * the input's length in edits, and at least 1).
 *
 * @example
 * ```ts
 * closestMatch('mirored', ['mirrored', 'one-device']); // 'mirrored'
 * closestMatch('xyz', ['mirrored']); // undefined
 * ```
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
