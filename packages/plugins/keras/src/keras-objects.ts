/**
 * Initializers, regularizers and constraints between tfjs (`{ className, config }`, camelCase)
 * and Keras (`{ module, class_name, config }`, snake_case). Initializers do not change loaded
 * weights, so one without a counterpart is dropped (the other side's default applies);
 * regularizers and constraints change training, so one without a counterpart is an error.
 */
import { camel, isObject, type Json, type KerasObject, snake } from './keras-json';

/** tfjs class → [Keras class, config keys (tfjs spelling)]; same table read both ways. */
const INITIALIZERS: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  Zeros: ['Zeros', []],
  Ones: ['Ones', []],
  Constant: ['Constant', ['value']],
  RandomUniform: ['RandomUniform', ['minval', 'maxval', 'seed']],
  RandomNormal: ['RandomNormal', ['mean', 'stddev', 'seed']],
  TruncatedNormal: ['TruncatedNormal', ['mean', 'stddev', 'seed']],
  Identity: ['Identity', ['gain']],
  Orthogonal: ['Orthogonal', ['gain', 'seed']],
  VarianceScaling: ['VarianceScaling', ['scale', 'mode', 'distribution', 'seed']],
  GlorotUniform: ['GlorotUniform', ['seed']],
  GlorotNormal: ['GlorotNormal', ['seed']],
  HeUniform: ['HeUniform', ['seed']],
  HeNormal: ['HeNormal', ['seed']],
  LeCunUniform: ['LecunUniform', ['seed']],
  LeCunNormal: ['LecunNormal', ['seed']],
};

const CONSTRAINTS: Readonly<Record<string, readonly string[]>> = {
  MaxNorm: ['maxValue', 'axis'],
  MinMaxNorm: ['minValue', 'maxValue', 'rate', 'axis'],
  NonNeg: [],
  UnitNorm: ['axis'],
};

// tfjs' 'normal' variance scaling draws from a truncated normal, Keras' 'truncated_normal'.
const DISTRIBUTION_TO_KERAS: Readonly<Record<string, string>> = {
  normal: 'truncated_normal',
  truncatedNormal: 'truncated_normal',
  uniform: 'uniform',
};
const DISTRIBUTION_FROM_KERAS: Readonly<Record<string, string>> = {
  truncated_normal: 'normal',
  normal: 'normal',
  uniform: 'uniform',
};

/**
 * Reports an option that has no counterpart: (value, expected) → thrown error.
 *
 * @example
 * ```ts
 * const fail: Fail = (value, expected) => new Error(`got ${value}, expected ${expected}`);
 * ```
 */
export type Fail = (value: unknown, expected: string) => Error;

type TfjsObject = { className: string; config: Json };

function asTfjs(value: unknown): TfjsObject | undefined {
  return isObject(value) && typeof value.className === 'string'
    ? { className: value.className, config: isObject(value.config) ? value.config : {} }
    : undefined;
}

/** A Keras object from a serialized one, a legacy `{class_name, config}`, or a snake_case name. */
function asKeras(value: unknown): { className: string; config: Json } | undefined {
  if (typeof value === 'string') {
    const pascal = camel(value).replace(/^./, (c) => c.toUpperCase());
    return { className: pascal, config: {} };
  }
  return isObject(value) && typeof value.class_name === 'string'
    ? { className: value.class_name, config: isObject(value.config) ? value.config : {} }
    : undefined;
}

const keras = (module: string, className: string, config: Json): KerasObject => ({
  module,
  class_name: className,
  config,
  registered_name: null,
});

/**
 * A tfjs initializer config as a Keras initializer, or `undefined` (Keras' default) when Keras
 * has no equivalent.
 *
 * @example
 * ```ts
 * initializerToKeras({ className: 'VarianceScaling', config: { scale: 1, mode: 'fanAvg', distribution: 'normal', seed: null } });
 * ```
 */
export function initializerToKeras(value: unknown): KerasObject | undefined {
  const t = asTfjs(value);
  const entry = t && Object.hasOwn(INITIALIZERS, t.className) ? INITIALIZERS[t.className] : undefined;
  if (!t || !entry) return undefined;
  const config: Json = {};
  for (const key of entry[1]) {
    let v = t.config[key];
    if (v === undefined) continue;
    if (key === 'mode' && typeof v === 'string') v = snake(v);
    if (key === 'distribution' && typeof v === 'string') {
      v = DISTRIBUTION_TO_KERAS[v];
      if (v === undefined) return undefined;
    }
    config[snake(key)] = v;
  }
  return keras('keras.initializers', entry[0], config);
}

/**
 * A Keras initializer as a tfjs initializer config, or `undefined` (tfjs' default) when tfjs
 * has no equivalent.
 *
 * @example
 * ```ts
 * initializerFromKeras({ class_name: 'GlorotUniform', config: { seed: null } }); // { className: 'GlorotUniform', config: { seed: null } }
 * ```
 */
export function initializerFromKeras(value: unknown): TfjsObject | undefined {
  const k = asKeras(value);
  const found = k && Object.entries(INITIALIZERS).find(([, [kerasName]]) => kerasName === k.className);
  if (!k || !found) return undefined;
  const config: Json = {};
  for (const key of found[1][1]) {
    let v = k.config[snake(key)];
    if (v === undefined) continue;
    if (key === 'mode' && typeof v === 'string') v = camel(v);
    if (key === 'distribution' && typeof v === 'string') {
      v = DISTRIBUTION_FROM_KERAS[v];
      if (v === undefined) return undefined;
    }
    config[key] = v;
  }
  return { className: found[0], config };
}

/**
 * A tfjs regularizer (`L1L2`) as Keras `L1`, `L2` or `L1L2`; `null` for none.
 *
 * @example
 * ```ts
 * regularizerToKeras({ className: 'L1L2', config: { l1: 0, l2: 0.01 } }, fail); // Keras L2(l2=0.01)
 * ```
 */
export function regularizerToKeras(value: unknown, fail: Fail): KerasObject | null {
  if (value === null || value === undefined) return null;
  const t = asTfjs(value);
  if (t?.className !== 'L1L2') throw fail(value, 'an L1L2 regularizer (tf.regularizers.l1, l2 or l1l2) or none');
  const l1 = Number(t.config.l1 ?? 0);
  const l2 = Number(t.config.l2 ?? 0);
  if (l1 === 0) return keras('keras.regularizers', 'L2', { l2 });
  if (l2 === 0) return keras('keras.regularizers', 'L1', { l1 });
  return keras('keras.regularizers', 'L1L2', { l1, l2 });
}

/**
 * A Keras `L1`, `L2` or `L1L2` regularizer as tfjs' `L1L2`; `null` for none.
 *
 * @example
 * ```ts
 * regularizerFromKeras({ class_name: 'L2', config: { l2: 0.01 } }, fail); // { className: 'L1L2', config: { l1: 0, l2: 0.01 } }
 * ```
 */
export function regularizerFromKeras(value: unknown, fail: Fail): TfjsObject | null {
  if (value === null || value === undefined) return null;
  const k = asKeras(value);
  const l1 = Number(k?.config.l1 ?? 0);
  const l2 = Number(k?.config.l2 ?? 0);
  if (k?.className === 'L1') return { className: 'L1L2', config: { l1, l2: 0 } };
  if (k?.className === 'L2') return { className: 'L1L2', config: { l1: 0, l2 } };
  if (k?.className === 'L1L2') return { className: 'L1L2', config: { l1, l2 } };
  throw fail(value, 'an L1, L2 or L1L2 regularizer, or none');
}

/**
 * A tfjs constraint as the Keras constraint of the same class; `null` for none.
 *
 * @example
 * ```ts
 * constraintToKeras({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } }, fail);
 * ```
 */
export function constraintToKeras(value: unknown, fail: Fail): KerasObject | null {
  if (value === null || value === undefined) return null;
  const t = asTfjs(value);
  const keys = t && Object.hasOwn(CONSTRAINTS, t.className) ? CONSTRAINTS[t.className] : undefined;
  if (!t || !keys) throw fail(value, `one of ${Object.keys(CONSTRAINTS).join(', ')}, or none`);
  const config: Json = {};
  for (const key of keys) if (t.config[key] !== undefined) config[snake(key)] = t.config[key];
  return keras('keras.constraints', t.className, config);
}

/**
 * A Keras constraint as the tfjs constraint of the same class; `null` for none.
 *
 * @example
 * ```ts
 * constraintFromKeras({ class_name: 'NonNeg', config: {} }, fail); // { className: 'NonNeg', config: {} }
 * ```
 */
export function constraintFromKeras(value: unknown, fail: Fail): TfjsObject | null {
  if (value === null || value === undefined) return null;
  const k = asKeras(value);
  const keys = k && Object.hasOwn(CONSTRAINTS, k.className) ? CONSTRAINTS[k.className] : undefined;
  if (!k || !keys) throw fail(value, `one of ${Object.keys(CONSTRAINTS).join(', ')}, or none`);
  const config: Json = {};
  for (const key of keys) if (k.config[snake(key)] !== undefined) config[key] = k.config[snake(key)];
  return { className: k.className, config };
}
