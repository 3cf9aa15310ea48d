/**
 * The page's input form, without the DOM: which inputs get number fields and which a JSON box,
 * and how typed or pasted values become a flat list checked against the model's signature.
 * Shared by the page (bundled) and by the Node tests.
 */

/**
 * One model input as the loaded model reports it (`model.inputs`).
 *
 * @example
 * ```ts
 * const spec: InputSpec = { name: 'dense_input', shape: [null, 8], dtype: 'float32' };
 * ```
 */
export interface InputSpec {
  readonly name: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: string;
}

/** Inputs with at most this many elements per example get one number field each. */
export const MAX_FIELDS = 16;

/** dtypes the form can build tensors of. */
export const SUPPORTED_DTYPES = ['float32', 'int32', 'bool'] as const;

/**
 * The shape of one example: the batch dimension dropped; `undefined` when another dimension
 * is unknown (the values' nesting then gives it).
 *
 * @example
 * ```ts
 * exampleShape([null, 8, 8, 1]); // [8, 8, 1]
 * ```
 */
export function exampleShape(shape: readonly (number | null)[]): number[] | undefined {
  const rest = shape.slice(1);
  return rest.every((d) => typeof d === 'number' && d >= 0) ? (rest as number[]) : undefined;
}

/**
 * `fields` for small inputs of known size, `json` otherwise (e.g. a 64-pixel image).
 *
 * @example
 * ```ts
 * formKind({ name: 'x', shape: [null, 64], dtype: 'float32' }); // 'json'
 * ```
 */
export function formKind(spec: InputSpec): 'fields' | 'json' {
  const shape = exampleShape(spec.shape);
  return shape !== undefined && count(shape) <= MAX_FIELDS ? 'fields' : 'json';
}

/**
 * Parses a pasted JSON array (nested or flat) for one example into a flat list of numbers,
 * checking the element count against the example shape and the values against the dtype.
 * Returns the shape to build the tensor with (the nesting's shape when the model's is unknown).
 *
 * @example
 * ```ts
 * parseJsonInput('[[1, 2], [3, 4]]', { name: 'x', shape: [null, 2, 2], dtype: 'float32' });
 * // { values: [1, 2, 3, 4], shape: [2, 2] }
 * ```
 */
export function parseJsonInput(text: string, spec: InputSpec): { values: number[]; shape: number[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${spec.name}: not valid JSON (${(err as Error).message})`);
  }
  const nested = nestedShape(parsed, spec.name);
  const values: unknown[] = [parsed].flat(Number.POSITIVE_INFINITY);
  const expected = exampleShape(spec.shape);
  if (expected !== undefined && values.length !== count(expected)) {
    throw new Error(
      `${spec.name}: ${values.length} values; expected ${count(expected)} (shape [${expected.join(', ')}])`,
    );
  }
  return { values: values.map((v, i) => checkValue(v, spec, i)), shape: expected ?? nested };
}

/**
 * Checks the values typed into number fields (strings from `<input>`).
 *
 * @example
 * ```ts
 * parseFieldValues(['0.5', '1'], { name: 'x', shape: [null, 2], dtype: 'float32' }); // [0.5, 1]
 * ```
 */
export function parseFieldValues(texts: readonly string[], spec: InputSpec): number[] {
  return texts.map((t, i) => {
    if (t.trim() === '') throw new Error(`${spec.name}[${i}]: empty`);
    return checkValue(spec.dtype === 'bool' ? t.trim() : Number(t), spec, i);
  });
}

function checkValue(v: unknown, spec: InputSpec, i: number): number {
  if (spec.dtype === 'bool') {
    if (v === true || v === 1 || v === 'true' || v === '1') return 1;
    if (v === false || v === 0 || v === 'false' || v === '0') return 0;
    throw new Error(`${spec.name}[${i}]: ${JSON.stringify(v)} is not a bool`);
  }
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${spec.name}[${i}]: ${JSON.stringify(v)} is not a number`);
  if (spec.dtype === 'int32' && !Number.isInteger(v)) throw new Error(`${spec.name}[${i}]: ${v} is not an integer`);
  return v;
}

function nestedShape(value: unknown, name: string): number[] {
  if (!Array.isArray(value)) return [];
  const inner = value.map((v) => JSON.stringify(nestedShape(v, name)));
  if (new Set(inner).size > 1) throw new Error(`${name}: ragged array (rows of different shapes)`);
  return [value.length, ...(value.length ? (JSON.parse(inner[0]) as number[]) : [])];
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
