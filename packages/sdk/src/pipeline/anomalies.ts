/**
 * Anomaly detection over statistics against a schema (TFDV's validate_statistics), and skew /
 * drift between two statistics: L-infinity distance of string value distributions, and the mean
 * shift of numeric features in units of the reference's standard deviation.
 */
import type { Schema } from './components/schema-gen';
import type { FeatureStatistics, SplitStatistics } from './statistics';

/** Anomaly kinds, named after TFDV's AnomalyInfo types. */
export type AnomalyKind =
  | 'SCHEMA_MISSING_COLUMN'
  | 'SCHEMA_NEW_COLUMN'
  | 'FEATURE_TYPE_MISMATCH'
  | 'FEATURE_MISSING_VALUES'
  | 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'
  | 'FLOAT_TYPE_OUT_OF_RANGE'
  | 'COMPARATOR_L_INFTY_HIGH'
  | 'COMPARATOR_MEAN_SHIFT_HIGH';

/**
 * One anomaly.
 * @example
 *   const a: Anomaly = { split: 'eval', feature: 'species', kind: 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', description: '...' };
 */
export interface Anomaly {
  split: string;
  feature: string;
  kind: AnomalyKind;
  description: string;
}

/**
 * Thresholds for skew (train vs other splits) and drift (against a baseline); a check is off
 * when its threshold is absent.
 * @example
 *   const t: ComparatorThresholds = { linfThreshold: 0.25, meanShiftThreshold: 0.5 };
 */
export interface ComparatorThresholds {
  /** Largest allowed L-infinity distance between string value distributions (0..1). */
  linfThreshold?: number;
  /** Largest allowed |mean − reference mean| / reference std. */
  meanShiftThreshold?: number;
}

/**
 * Anomalies of `stats` against `schema`.
 * @example
 *   validateStatistics(evalStats, schema); // [] for a clean split
 */
export function validateStatistics(stats: SplitStatistics, schema: Schema): Anomaly[] {
  const out: Anomaly[] = [];
  const add = (feature: string, kind: AnomalyKind, description: string) =>
    out.push({ split: stats.split, feature, kind, description });
  const byName = new Map(stats.features.map((f) => [f.name, f]));
  for (const s of schema.features) {
    const f = byName.get(s.name);
    if (!f || f.count === 0) {
      if (s.presence.minFraction > 0) add(s.name, 'SCHEMA_MISSING_COLUMN', `Column ${s.name} is missing.`);
      continue;
    }
    const fraction = stats.numExamples ? f.count / stats.numExamples : 1;
    if (fraction < s.presence.minFraction - 1e-12) {
      add(
        s.name,
        'FEATURE_MISSING_VALUES',
        `Present in ${(fraction * 100).toFixed(1)}% of examples; the schema requires ${(s.presence.minFraction * 100).toFixed(1)}%.`,
      );
    }
    const mismatched = f.types.filter((t) => t !== s.type && !(s.type === 'FLOAT' && t === 'INT'));
    if (mismatched.length) {
      add(s.name, 'FEATURE_TYPE_MISMATCH', `Expected ${s.type}, found ${f.types.join(', ')}.`);
    }
    if (s.domain?.values && f.string) {
      const allowed = new Set(s.domain.values);
      const unexpected = f.string.topValues.map((t) => t.value).filter((v) => !allowed.has(v));
      if (unexpected.length) {
        add(
          s.name,
          'ENUM_TYPE_UNEXPECTED_STRING_VALUES',
          `Values not in the domain: ${unexpected.slice(0, 10).join(', ')}.`,
        );
      }
    }
    if (f.numeric && ((s.domain?.min ?? -Infinity) > f.numeric.min || (s.domain?.max ?? Infinity) < f.numeric.max)) {
      add(
        s.name,
        'FLOAT_TYPE_OUT_OF_RANGE',
        `Values span [${f.numeric.min}, ${f.numeric.max}], outside [${s.domain?.min ?? '-inf'}, ${s.domain?.max ?? 'inf'}].`,
      );
    }
  }
  for (const f of stats.features) {
    if (!schema.features.some((s) => s.name === f.name)) {
      add(f.name, 'SCHEMA_NEW_COLUMN', `New column ${f.name} (not in the schema).`);
    }
  }
  return out;
}

/**
 * Skew or drift of `stats` from `reference` beyond `thresholds` (each feature both have).
 * @example
 *   compareStatistics(evalStats, trainStats, { meanShiftThreshold: 0.5 });
 */
export function compareStatistics(
  stats: SplitStatistics,
  reference: SplitStatistics,
  thresholds: ComparatorThresholds,
  label = 'train',
): Anomaly[] {
  const out: Anomaly[] = [];
  const ref = new Map(reference.features.map((f) => [f.name, f]));
  for (const f of stats.features) {
    const r = ref.get(f.name);
    if (!r) continue;
    if (thresholds.linfThreshold !== undefined && f.string && r.string) {
      const d = linfDistance(f, r);
      if (d > thresholds.linfThreshold) {
        out.push({
          split: stats.split,
          feature: f.name,
          kind: 'COMPARATOR_L_INFTY_HIGH',
          description: `L-infinity distance from ${label} is ${d.toFixed(3)} (threshold ${thresholds.linfThreshold}).`,
        });
      }
    }
    if (thresholds.meanShiftThreshold !== undefined && f.numeric && r.numeric) {
      const shift = Math.abs(f.numeric.mean - r.numeric.mean) / (r.numeric.std || 1);
      if (shift > thresholds.meanShiftThreshold) {
        out.push({
          split: stats.split,
          feature: f.name,
          kind: 'COMPARATOR_MEAN_SHIFT_HIGH',
          description: `Mean ${f.numeric.mean.toPrecision(4)} is ${shift.toFixed(2)} ${label} std from ${label}'s ${r.numeric.mean.toPrecision(4)} (threshold ${thresholds.meanShiftThreshold}).`,
        });
      }
    }
  }
  return out;
}

function linfDistance(a: FeatureStatistics, b: FeatureStatistics): number {
  const dist = (f: FeatureStatistics) => {
    const total = f.string!.topValues.reduce((s, t) => s + t.frequency, 0) || 1;
    return new Map(f.string!.topValues.map((t) => [t.value, t.frequency / total]));
  };
  const pa = dist(a);
  const pb = dist(b);
  let max = 0;
  for (const k of new Set([...pa.keys(), ...pb.keys()]))
    max = Math.max(max, Math.abs((pa.get(k) ?? 0) - (pb.get(k) ?? 0)));
  return max;
}
