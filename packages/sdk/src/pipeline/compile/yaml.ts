/**
 * A YAML emitter for JSON data (block style; strings double-quoted as JSON does, which YAML
 * reads as the same strings): enough for the compiled pipeline files, without a dependency.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const PLAIN_KEY = /^[A-Za-z_][\w.-]*$/;

/**
 * YAML text for `value`.
 * @example
 *   toYaml({ a: [1, 'x'] }); // 'a:\n  - 1\n  - "x"\n'
 */
export function toYaml(value: Json): string {
  return `${lines(value, 0).join('\n')}\n`;
}

function scalar(v: Json): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function isEmpty(v: Json): boolean {
  return (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && Object.keys(v).length === 0);
}

function lines(value: Json, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (!value.length) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (item !== null && typeof item === 'object' && !isEmpty(item)) {
        const inner = lines(item, indent + 2);
        return [`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1)];
      }
      return [`${pad}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`];
    });
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return [`${pad}{}`];
    return entries.flatMap(([k, v]) => {
      const key = PLAIN_KEY.test(k) ? k : JSON.stringify(k);
      if (v !== null && typeof v === 'object' && !isEmpty(v)) return [`${pad}${key}:`, ...lines(v, indent + 2)];
      return [`${pad}${key}: ${isEmpty(v) ? (Array.isArray(v) ? '[]' : '{}') : scalar(v)}`];
    });
  }
  return [`${pad}${scalar(value)}`];
}

export type { Json };
