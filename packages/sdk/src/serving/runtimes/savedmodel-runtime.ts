/**
 * The SavedModel runtime: TensorFlow itself (native, through tfjs-node's addon) runs any SavedModel
 * Python TensorFlow or tfscale wrote, every signature of the `serve` meta graph, as TF Serving does.
 *
 * Dtypes: float32/64, float16, (u)int8/16/32/64, bool and string cross both ways without loss
 * (int64 as BigInt64Array, all 64 bits). Refused: signatures with sparse/composite tensors or
 * complex/bfloat16/quantized dtypes (left out of `signatures`, logged), and outputs of those types
 * (UNIMPLEMENTED). Needs the native backend; without it loading fails with FAILED_PRECONDITION.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../../core/logger';
import { type Servable, ServingError, type ServingRuntime, type ServingTensor, type SignatureSpec } from '../types';
import { NativeSession } from './native-session';
import { checkPredictRequest } from './predict-checks';
import { readSignatures } from './savedmodel-signatures';

/**
 * Options of {@link SavedModelRuntime}.
 * @example
 *   new SavedModelRuntime({ tags: ['serve', 'gpu'] });
 */
export interface SavedModelRuntimeOptions {
  /** Meta graph tag set (TF Serving's `--saved_model_tags`). Default `['serve']`. */
  tags?: readonly string[];
  /** Told about signatures that cannot be served. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Claims version directories holding `saved_model.pb` (priority 100, above TF.js).
 * @example
 *   const servable = await new SavedModelRuntime().load('models/half/1');
 *   await servable.predict('serving_default', { x: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(1) } });
 */
export class SavedModelRuntime implements ServingRuntime {
  readonly name = 'savedmodel';
  readonly priority = 100;
  readonly #tags: readonly string[];
  readonly #logger: Pick<Logger, 'warn'> | undefined;

  constructor(options: SavedModelRuntimeOptions = {}) {
    this.#tags = options.tags ?? ['serve'];
    this.#logger = options.logger;
  }

  async canLoad(versionDir: string): Promise<boolean> {
    return fs.stat(path.join(versionDir, 'saved_model.pb')).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async load(versionDir: string): Promise<Servable> {
    const { signatures, skipped, restoresVariables } = await readSignatures(versionDir, this.#tags);
    for (const s of skipped) this.#logger?.warn(`SavedModel ${versionDir}: signature ${s}; it is not served.`);
    const index = path.join(versionDir, 'variables', 'variables.index');
    // TensorFlow loads such a model with uninitialised variables (it only logs); refuse it instead.
    if (
      restoresVariables &&
      !(await fs.stat(index).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      throw new ServingError(
        'NOT_FOUND',
        `The SavedModel in ${versionDir} restores variables, but ${index} is missing.`,
      );
    }
    const session = await NativeSession.open(versionDir, this.#tags);
    return new SavedModelServable(session, signatures);
  }
}

class SavedModelServable implements Servable {
  readonly runtime = 'savedmodel';

  constructor(
    private readonly session: NativeSession,
    readonly signatures: Readonly<Record<string, SignatureSpec>>,
  ) {}

  async predict(
    signature: string,
    inputs: Record<string, ServingTensor>,
    outputFilter?: string[],
  ): Promise<Record<string, ServingTensor>> {
    const { spec, outputs } = checkPredictRequest(this.signatures, signature, inputs, outputFilter);
    const feeds = spec.inputs.map((i) => ({ name: i.name, tensor: inputs[i.key]! }));
    const results = await this.session.run(feeds, outputs);
    return Object.fromEntries(outputs.map((o, i) => [o.key, results[i]!]));
  }

  dispose(): void {
    this.session.close();
  }
}
