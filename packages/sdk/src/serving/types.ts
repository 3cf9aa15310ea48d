/**
 * The model server's shared vocabulary: tensors as the protocols carry them, signatures, servables
 * (one loaded model version), runtimes that load them, and the model manager the protocol front
 * ends ask. Protocol code (REST, gRPC, KServe) and runtime code (SavedModel, TF.js, ONNX) meet
 * only here, so either side can be replaced by a plugin.
 */
import type { EventEmitter } from 'node:events';

/** TensorFlow dtype names as the wire protocols use them (`DT_FLOAT` ↔ 'float32', …). */
export type ServingDType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/**
 * A tensor between a protocol front end and a runtime. Numbers live in a typed array of the dtype
 * (int64 as BigInt64Array, bool as Uint8Array, float16 as Uint16Array bits); strings as byte arrays.
 * @example
 *   const t: ServingTensor = { dtype: 'float32', shape: [2, 1], data: Float32Array.of(1, 2) };
 */
export interface ServingTensor {
  dtype: ServingDType;
  /** Concrete dimensions (no -1). */
  shape: number[];
  data:
    | Float32Array
    | Float64Array
    | Int8Array
    | Int16Array
    | Int32Array
    | BigInt64Array
    | Uint8Array
    | Uint16Array
    | Uint32Array
    | BigUint64Array
    | Uint8Array[];
}

/** One input or output of a signature; -1 marks an unknown dimension, `shape` undefined an unknown rank. */
export interface TensorSpec {
  /** The signature's key (what requests name). */
  key: string;
  /** The graph tensor name, e.g. `serving_default_x:0` (metadata shows it). */
  name: string;
  dtype: ServingDType;
  shape?: number[];
}

/** A signature of a servable (TF's SignatureDef). */
export interface SignatureSpec {
  /** `tensorflow/serving/predict`, `…/classify` or `…/regress`. */
  methodName: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/**
 * One loaded model version, ready to run. `predict` may be called concurrently; a runtime that
 * cannot overlap calls queues them itself.
 * @example
 *   const out = await servable.predict('serving_default', { x: { dtype: 'float32', shape: [1, 1], data: Float32Array.of(1) } });
 */
export interface Servable {
  /** Runtime that loaded it, e.g. 'savedmodel', 'tfjs', 'onnx'. */
  readonly runtime: string;
  readonly signatures: Readonly<Record<string, SignatureSpec>>;
  /** Runs `signature` on named inputs; resolves to named outputs (all outputs unless `outputFilter`). */
  predict(
    signature: string,
    inputs: Record<string, ServingTensor>,
    outputFilter?: string[],
  ): Promise<Record<string, ServingTensor>>;
  /** Releases native memory; called once the version is unloaded and idle. */
  dispose(): Promise<void> | void;
}

/**
 * A model runtime (plugin point of the server): claims version directories by their content and
 * loads them. The manager tries runtimes by `priority` (or the one `--runtime` forces).
 * @example
 *   const runtime: ServingRuntime = { name: 'tfjs', priority: 10, canLoad: async (dir) => exists(`${dir}/model.json`), load: async (dir) => … };
 */
export interface ServingRuntime {
  readonly name: string;
  readonly priority: number;
  canLoad(versionDir: string): Promise<boolean>;
  load(versionDir: string): Promise<Servable>;
}

/** TF Serving's ModelVersionStatus.State. */
export type ModelVersionState = 'UNKNOWN' | 'START' | 'LOADING' | 'AVAILABLE' | 'UNLOADING' | 'END';

/** TF's error codes (absl::StatusCode names), which both protocols map to HTTP/gRPC status. */
export type ServingErrorCode =
  | 'OK'
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'INVALID_ARGUMENT'
  | 'DEADLINE_EXCEEDED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'PERMISSION_DENIED'
  | 'RESOURCE_EXHAUSTED'
  | 'FAILED_PRECONDITION'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DATA_LOSS'
  | 'UNAUTHENTICATED';

/**
 * A request failure with TF's status code and TF Serving's exact message text; REST renders it as
 * `{"error": message}` with the mapped HTTP code, gRPC as the status code and details.
 * @example
 *   throw new ServingError('NOT_FOUND', 'Servable not found for request: Latest(half)');
 */
export class ServingError extends Error {
  constructor(
    readonly code: ServingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServingError';
  }
}

/** One version's state, as GetModelStatus reports it. */
export interface ModelVersionStatus {
  version: number;
  state: ModelVersionState;
  /** OK, or why loading failed. */
  error: { code: ServingErrorCode; message: string };
}

/** How a request names a version: none (latest), a number, or a label. */
export interface VersionSelector {
  version?: number;
  label?: string;
}

/**
 * What the protocol front ends need from the model manager.
 * @example
 *   const { version, servable, release } = manager.acquire('digits', {});
 *   try { await servable.predict(...); } finally { release(); }
 */
export interface ModelManager {
  /** Model names being served. */
  modelNames(): string[];
  /**
   * The servable for a request, pinned until `release()` so an unload waits for in-flight calls.
   * Throws ServingError: NOT_FOUND (unknown model/version, and, as in TF Serving, a model with no
   * version loaded yet: "Servable not found for request: Latest(m)"), INVALID_ARGUMENT (unknown
   * label; both version and label).
   */
  acquire(model: string, selector: VersionSelector): { version: number; servable: Servable; release(): void };
  /** Every known version of `model` (unloaded ones stay as END), or the selected one. */
  status(model: string, selector?: VersionSelector): ModelVersionStatus[];
  /** Version state changes and warmups, for metrics and logs (absent on managers that have none). */
  readonly events?: EventEmitter<ModelManagerEvents>;
}

/**
 * One version changing state. `loadMillis`/`warmupMillis` come with the end of a load (AVAILABLE,
 * or END with an error); `error` with a failed load.
 * @example
 *   manager.events?.on('version', (e: ModelVersionEvent) => log(`${e.model}/${e.version} ${e.state}`));
 */
export interface ModelVersionEvent {
  model: string;
  version: number;
  state: ModelVersionState;
  previous?: ModelVersionState;
  error?: { code: ServingErrorCode; message: string };
  runtime?: string;
  /** When several runtimes could load the version: µs per batch-1 probe call of each. */
  runtimeTrials?: ReadonlyArray<{ runtime: string; micros?: number; error?: string }>;
  loadMillis?: number;
  warmupMillis?: number;
}

/**
 * A finished warmup of a version, before it takes traffic: `source` is `file` for
 * `assets.extra/tf_serving_warmup_requests`, `synthetic` for the zero-input requests.
 * @example
 *   manager.events?.on('warmup', (e: WarmupEvent) => console.log(e.model, e.version, e.requests));
 */
export interface WarmupEvent {
  model: string;
  version: number;
  source: 'file' | 'synthetic' | 'none';
  requests: number;
  millis: number;
  /** Synthetic requests that failed (never fatal): `signature: message`. */
  warnings: string[];
}

/**
 * Events of a model manager: `version` (state changes), `warmup`, and `warning` (a poll that could
 * not list a base path, a version directory ignored, …).
 * @example
 *   const events: EventEmitter<ModelManagerEvents> = manager.events;
 */
export interface ModelManagerEvents {
  version: [ModelVersionEvent];
  warmup: [WarmupEvent];
  warning: [{ model: string; message: string }];
}
