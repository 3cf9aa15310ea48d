import type { LayersModel, Optimizer } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { TFJS_LOSSES } from '../callbacks/monitor-callback';
import type { RunDefinition } from '../config';
import { closestMatch } from '../core/did-you-mean';
import { invalidValue, TfscaleError } from '../core/errors';
import { tfjsFolder } from '../io/tfjs-file-handler';
import { createAdamW } from './compiled/adamw';
import { loaderFor, type ModelLoader } from './model-loader';

type LayerSpec = { type: string; [key: string]: unknown };
type OptimizerSpec = string | { type: string; learningRate?: number; [key: string]: unknown };

/** tfjs spells layer factories in camelCase; run files may use Keras' snake_case too. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The model of a run: an instance, a factory's result, a declarative sequential stack, or a
 * saved model: a TF.js folder or `model.json`, or a file a plugin's loader reads (`.keras`, `.h5`).
 * @example
 *   const model = await buildModel(tf, { type: 'sequential', layers: [{ type: 'dense', units: 10, inputShape: [64] }] });
 */
export async function buildModel(
  tf: Tf,
  spec: RunDefinition['model'],
  baseDir = process.cwd(),
  loaders: readonly ModelLoader[] = [],
): Promise<LayersModel> {
  if (typeof spec === 'function') return await (spec as () => LayersModel | Promise<LayersModel>)();
  if ('path' in spec && typeof spec.path === 'string') {
    const { resolve } = await import('node:path');
    const file = resolve(baseDir, spec.path.replace(/^file:\/\//, ''));
    const loader = loaderFor(loaders, file);
    if (loader) return (await loader.load(file)) as LayersModel;
    return tf.loadLayersModel(tfjsFolder(file.replace(/[/\\]model\.json$/, '')));
  }
  if ('layers' in spec && Array.isArray(spec.layers)) {
    const factories = tf.layers as unknown as Record<
      string,
      (config: object) => import('@tensorflow/tfjs').layers.Layer
    >;
    const layers = (spec.layers as LayerSpec[]).map(({ type, ...config }, i) => {
      const factory = factories[camel(type)];
      if (typeof factory !== 'function') {
        const known = Object.keys(factories).filter((k) => typeof factories[k] === 'function' && /^[a-z]/.test(k));
        const guess = closestMatch(camel(type), known);
        throw invalidValue(
          `model.layers[${i}].type`,
          type,
          'a tfjs layer name such as dense, conv2d, dropout, flatten',
          guess ? `did you mean '${guess}'?` : undefined,
        );
      }
      return factory(config);
    });
    return tf.sequential({ layers, name: (spec as { name?: string }).name });
  }
  return spec as LayersModel;
}

// Keras 3's defaults, so a run file means the same in both.
const DEFAULT_LR: Record<string, number> = {
  sgd: 0.01,
  momentum: 0.01,
  adam: 0.001,
  adamw: 0.001,
  adamax: 0.001,
  adagrad: 0.001,
  adadelta: 0.001,
  rmsprop: 0.001,
};

/**
 * A tfjs optimizer from a run definition's `compile.optimizer` (Keras-style options in camelCase).
 * @example
 *   buildOptimizer(tf, { type: 'adam', learningRate: 0.01 });
 */
export function buildOptimizer(tf: Tf, spec: OptimizerSpec): Optimizer {
  const { type, learningRate, ...o } = typeof spec === 'string' ? { type: spec } : spec;
  const lr = (learningRate as number | undefined) ?? DEFAULT_LR[type];
  const n = (key: string, fallback?: number) => (o[key] as number | undefined) ?? fallback;
  switch (type) {
    case 'sgd':
      return n('momentum') ? tf.train.momentum(lr, n('momentum')!, Boolean(o.nesterov)) : tf.train.sgd(lr);
    case 'momentum':
      return tf.train.momentum(lr, n('momentum', 0.9)!, Boolean(o.nesterov ?? o.useNesterov));
    case 'adam':
      return tf.train.adam(lr, n('beta1'), n('beta2'), n('epsilon'));
    case 'adamw':
      return createAdamW(tf, {
        learningRate: lr,
        weightDecay: n('weightDecay'),
        beta1: n('beta1'),
        beta2: n('beta2'),
        epsilon: n('epsilon'),
      });
    case 'adamax':
      return tf.train.adamax(lr, n('beta1'), n('beta2'), n('epsilon'), n('decay'));
    case 'adagrad':
      return tf.train.adagrad(lr, n('initialAccumulatorValue'));
    case 'adadelta':
      return tf.train.adadelta(lr, n('rho'), n('epsilon'));
    case 'rmsprop':
      return tf.train.rmsprop(lr, n('decay', n('rho')), n('momentum'), n('epsilon'), Boolean(o.centered));
    default:
      throw new TfscaleError(
        'TFSCALE_E_INVALID_VALUE',
        `Invalid value for \`compile.optimizer\`. Received: compile.optimizer=${JSON.stringify(type)}. Expected: sgd, momentum, adam, adamw, adamax, adagrad, adadelta or rmsprop.`,
      );
  }
}

/**
 * Compiles `model` from a run definition's `compile` section, accepting Keras' snake_case names.
 * @example
 *   compileModel(tf, model, { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
 */
export function compileModel(tf: Tf, model: LayersModel, compile: RunDefinition['compile']): void {
  const loss = compile.loss;
  model.compile({
    optimizer: buildOptimizer(tf, compile.optimizer as OptimizerSpec),
    loss:
      typeof loss === 'string'
        ? lossName(loss)
        : Array.isArray(loss)
          ? loss.map(lossName)
          : Object.fromEntries(Object.entries(loss).map(([k, v]) => [k, lossName(v)])),
    metrics: compile.metrics?.map(camel),
  });
}

/** Keras's short loss names, which tfjs does not know. */
const LOSS_ALIASES: Readonly<Record<string, string>> = {
  mse: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  mape: 'meanAbsolutePercentageError',
  msle: 'meanSquaredLogarithmicError',
  kld: 'kullbackLeiblerDivergence',
  kl_divergence: 'kullbackLeiblerDivergence',
  log_cosh: 'logcosh',
};

function lossName(name: string): string {
  const resolved = LOSS_ALIASES[name.toLowerCase()] ?? camel(name);
  if (TFJS_LOSSES.includes(resolved)) return resolved;
  const guess = closestMatch(resolved, TFJS_LOSSES);
  throw invalidValue(
    'compile.loss',
    name,
    'a Keras or tfjs loss name such as sparse_categorical_crossentropy, mse, binary_crossentropy',
    guess ? `did you mean '${guess}'?` : undefined,
  );
}
