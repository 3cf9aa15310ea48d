/**
 * The `onnx` serving runtime: ONNX Runtime (onnxruntime-node, CPU) runs `model.onnx` as one
 * `serving_default` predict signature whose keys are the model's input and output names.
 * onnxruntime-node is loaded on the first load, so discovering the plugin stays cheap.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import {
  checkPredictRequest,
  invalidValue,
  type Servable,
  ServingError,
  type ServingRuntime,
  type ServingTensor,
  type SignatureSpec,
  type TensorSpec,
} from '@tfscale/sdk';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ONNX_MODEL_FILE } from './onnx-exporter';

type Ort = typeof import('onnxruntime-node');

/**
 * Options of {@link OnnxServingRuntime}.
 *
 * @example
 * ```ts
 * new OnnxServingRuntime({ intraOpNumThreads: 4 });
 * ```
 */
export interface OnnxRuntimeOptions {
  /**
   * Threads one predict call may use. Default: `TFSCALE_ONNX_INTRA_OP_THREADS`, else 1 (the
   * server runs requests side by side; one thread each avoids oversubscribing the cores).
   */
  readonly intraOpNumThreads?: number;
}

/** The ServingDType names ONNX Runtime's tensor types map onto (int4/uint4 have none). */
const DTYPES = new Set<string>([
  'float32',
  'float64',
  'float16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
]);

/**
 * Claims version directories holding `model.onnx` (priority 150: above SavedModel's 100, so a
 * folder holding both is served by ONNX Runtime, measured faster for small models).
 *
 * @example
 * ```ts
 * const servable = await new OnnxServingRuntime().load('models/digits/onnx/3');
 * await servable.predict('serving_default', { dense_input: { dtype: 'float32', shape: [1, 784], data } });
 * ```
 */
export class OnnxServingRuntime implements ServingRuntime {
  readonly name = 'onnx';
  readonly priority = 150;
  readonly #threads: number;

  constructor(options: OnnxRuntimeOptions = {}) {
    const fromEnv = process.env.TFSCALE_ONNX_INTRA_OP_THREADS;
    const threads = options.intraOpNumThreads ?? Number(fromEnv ?? 1);
    if (!Number.isSafeInteger(threads) || threads < 1) {
      const name = options.intraOpNumThreads === undefined ? 'TFSCALE_ONNX_INTRA_OP_THREADS' : 'intraOpNumThreads';
      throw invalidValue(name, options.intraOpNumThreads ?? fromEnv, 'a positive integer');
    }
    this.#threads = threads;
  }

  async canLoad(versionDir: string): Promise<boolean> {
    return fs.stat(path.join(versionDir, ONNX_MODEL_FILE)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async load(versionDir: string): Promise<Servable> {
    const file = path.join(versionDir, ONNX_MODEL_FILE);
    const ort = require('onnxruntime-node') as Ort;
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        intraOpNumThreads: this.#threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new ServingError('DATA_LOSS', `ONNX Runtime could not load ${file}: ${(err as Error).message}`);
    }
    try {
      const signature: SignatureSpec = {
        methodName: 'tensorflow/serving/predict',
        inputs: session.inputMetadata.map((m) => tensorSpec(m, file)),
        outputs: session.outputMetadata.map((m) => tensorSpec(m, file)),
      };
      return new OnnxServable(ort, session, { serving_default: signature });
    } catch (err) {
      await session.release();
      throw err;
    }
  }
}

function tensorSpec(meta: InferenceSession.ValueMetadata, file: string): TensorSpec {
  if (!meta.isTensor || !DTYPES.has(meta.type)) {
    const what = meta.isTensor ? `dtype ${meta.type}` : 'a non-tensor type';
    throw new ServingError('UNIMPLEMENTED', `${file}: ${meta.name} has ${what}, which the server cannot carry.`);
  }
  const spec: TensorSpec = { key: meta.name, name: meta.name, dtype: meta.type as TensorSpec['dtype'] };
  // An empty shape means "not stated" to ONNX Runtime (a scalar says the same): no check then.
  if (meta.shape.length > 0) spec.shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
  return spec;
}

function toOrt(ort: Ort, t: ServingTensor): Tensor {
  if (t.dtype === 'string') {
    const strings = (t.data as Uint8Array[]).map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString());
    return new ort.Tensor('string', strings, t.shape);
  }
  return new ort.Tensor(t.dtype, t.data as Exclude<ServingTensor['data'], Uint8Array[]>, t.shape);
}

function fromOrt(t: Tensor, dtype: TensorSpec['dtype']): ServingTensor {
  const shape = [...t.dims];
  if (t.type === 'string') return { dtype, shape, data: (t.data as string[]).map((s) => Buffer.from(s, 'utf8')) };
  return { dtype, shape, data: t.data as Exclude<ServingTensor['data'], Uint8Array[]> };
}

class OnnxServable implements Servable {
  readonly runtime = 'onnx';

  constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
    readonly signatures: Readonly<Record<string, SignatureSpec>>,
  ) {}

  async predict(
    signature: string,
    inputs: Record<string, ServingTensor>,
    outputFilter?: string[],
  ): Promise<Record<string, ServingTensor>> {
    const { spec, outputs } = checkPredictRequest(this.signatures, signature, inputs, outputFilter);
    const feeds: Record<string, Tensor> = {};
    for (const i of spec.inputs) feeds[i.name] = toOrt(this.ort, inputs[i.key]!);
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(
        feeds,
        outputs.map((o) => o.name),
      );
    } catch (err) {
      throw new ServingError('INVALID_ARGUMENT', (err as Error).message);
    }
    return Object.fromEntries(outputs.map((o) => [o.key, fromOrt(results[o.name] as Tensor, o.dtype)]));
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
