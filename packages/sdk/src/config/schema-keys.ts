import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

// The schemas a path can reach, looking through wrappers and into every union option.
function reach(schema: z.ZodType, out: z.ZodType[] = []): z.ZodType[] {
  const def = schema._zod.def as unknown as Def;
  if (WRAPPERS.has(def.type) && def.innerType) return reach(def.innerType, out);
  if (def.type === 'pipe' && def.in) return reach(def.in, out);
  if (def.type === 'lazy' && def.getter) return reach(def.getter(), out);
  if (def.type === 'union' && def.options) {
    for (const option of def.options) reach(option, out);
    return out;
  }
  out.push(schema);
  return out;
}

function child(schema: z.ZodType, key: PropertyKey): z.ZodType[] {
  const def = schema._zod.def as unknown as Def;
  if (def.type === 'object' && typeof key === 'string' && def.shape?.[key]) return [def.shape[key]];
  if (def.type === 'array' && typeof key === 'number' && def.element) return [def.element];
  if (def.type === 'record' && def.valueType) return [def.valueType];
  return [];
}

/**
 * The field names an object at `path` may have, as the schema declares them; where unions allow
 * several object shapes, the names of all of them. Used for "did you mean" hints.
 * @example
 *   knownKeysAt(runSchema, ['data']); // ['train', 'validation', 'validationSplit', 'batchSize', ...]
 */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let level = reach(schema);
  for (const key of path) level = level.flatMap((s) => child(s, key)).flatMap((s) => reach(s));
  const keys = new Set<string>();
  for (const s of level) {
    const def = s._zod.def as unknown as Def;
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}
