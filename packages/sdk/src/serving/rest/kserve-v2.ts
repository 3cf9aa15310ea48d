/**
 * KServe V2 / Open Inference Protocol REST: health (`/v2/health/live`, `/v2/health/ready`),
 * server and model metadata, model readiness and `/infer`, with KServe's JSON shapes and error
 * body `{"error": ...}` (404 for an unknown model, 400 for a bad request, 503 when not ready).
 * Versioned URLs (`/versions/{v}`) work, which KServe's own server still refuses. Models run
 * their `serving_default` signature through the shared predict hooks.
 */
import { randomUUID } from 'node:crypto';
import { SDK_VERSION } from '../../core/version';
import { type PredictHooks, type PredictTiming, runPredict, type ServingApi } from '../predict-hooks';
import type { ModelManager, ServingTensor, SignatureSpec, VersionSelector } from '../types';
import { ServingError } from '../types';
import { DTYPES } from './dtypes';
import { asServingError, errorJson, httpStatusFor } from './http-status';
import { parseJson } from './json-reader';
import type { TensorLimits } from './json-tensor';
import { JsonObject, type JsonValue, NumArray } from './json-value';
import { JsonWriter } from './json-writer';
import { readInputData, readInputHeader, writeOutput } from './kserve-v2-tensors';
import type { RestReply } from './tf-serving-rest';

const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?$/;
const PLATFORMS: Record<string, string> = {
  savedmodel: 'tensorflow_savedmodel',
  onnx: 'onnx_onnxv1',
  tfjs: 'tensorflow_tfjs',
};

/**
 * Options of {@link KServeV2Api}.
 * @example
 *   new KServeV2Api({ manager, isShuttingDown: () => closing });
 */
export interface KServeV2Options {
  readonly manager: ModelManager;
  readonly hooks?: PredictHooks;
  readonly limits?: TensorLimits;
  /** True while the server drains: readiness answers 503 so load balancers stop routing. */
  readonly isShuttingDown?: () => boolean;
}

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

function json(write: (w: JsonWriter) => void): Buffer {
  const w = new JsonWriter(false);
  write(w);
  return w.toBuffer();
}

function ok(body: unknown, api?: ServingApi): RestReply {
  return { status: 200, body: Buffer.from(JSON.stringify(body)), code: 'OK', api };
}

/**
 * The Open Inference Protocol over a {@link ModelManager}.
 * @example
 *   const v2 = new KServeV2Api({ manager });
 *   if (v2.handles(path)) reply = await v2.handle('POST', '/v2/models/m/infer', body);
 */
export class KServeV2Api {
  private readonly limits: TensorLimits;

  constructor(private readonly options: KServeV2Options) {
    this.limits = options.limits ?? { maxElements: 1 << 28 };
  }

  /** Whether a path (without query) belongs to this API. */
  handles(path: string): boolean {
    return path === '/v2' || path.startsWith('/v2/');
  }

  /** Answers one request; never throws. */
  async handle(method: string, path: string, body: Uint8Array): Promise<RestReply> {
    let model: string | undefined;
    let api: ServingApi | undefined;
    const timing: PredictTiming = {};
    try {
      const route = MODEL_PATH.exec(path);
      if (!route) return this.server(method, path);
      model = decodeSegment(route[1], 'model name');
      const selector: VersionSelector = route[2] === undefined ? {} : { version: parseVersion(route[2]) };
      api = route[3] === 'infer' ? 'infer' : route[3] === 'ready' ? 'ready' : 'metadata';
      if (method !== (api === 'infer' ? 'POST' : 'GET'))
        throw new ServingError('UNIMPLEMENTED', `${method} is not supported on ${path}`);
      this.known(model);
      if (api === 'ready') return { ...this.ready(model, selector), model };
      const reply = api === 'infer' ? await this.infer(model, selector, body, timing) : this.metadata(model, selector);
      return { ...reply, api, model, timing };
    } catch (e) {
      const err = asServingError(e);
      return {
        status: httpStatusFor(err.code),
        body: errorJson(err.message, false),
        code: err.code,
        api,
        model,
        timing,
      };
    }
  }

  private server(method: string, path: string): RestReply {
    if (method !== 'GET') throw new ServingError('UNIMPLEMENTED', `${method} is not supported on ${path}`);
    const { manager } = this.options;
    switch (path.replace(/\/$/, '')) {
      case '/v2':
        return ok({ name: 'tfscale', version: SDK_VERSION, extensions: [] });
      case '/v2/health/live':
        return ok({ live: true });
      case '/v2/health/ready': {
        const waiting = this.options.isShuttingDown?.()
          ? ['(server shutting down)']
          : manager.modelNames().filter((m) => !this.available(m, {}));
        if (waiting.length === 0) return ok({ ready: true });
        const err = new ServingError(
          'UNAVAILABLE',
          `Server is not ready: no version available for ${waiting.join(', ')}.`,
        );
        return { status: 503, body: errorJson(err.message, false), code: err.code };
      }
      case '/v2/models':
        return ok({ models: manager.modelNames() });
      default:
        throw new ServingError('NOT_FOUND', `No route for ${method} ${path}`);
    }
  }

  private known(model: string): void {
    if (!this.options.manager.modelNames().includes(model))
      throw new ServingError('NOT_FOUND', `Model with name ${model} does not exist.`);
  }

  private available(model: string, selector: VersionSelector): boolean {
    try {
      this.options.manager.acquire(model, selector).release();
      return true;
    } catch {
      return false;
    }
  }

  private ready(model: string, selector: VersionSelector): RestReply {
    if (!this.available(model, selector)) {
      const message = `Model with name ${model}${selector.version === undefined ? '' : ` version ${selector.version}`} is not ready.`;
      return { status: 503, body: errorJson(message, false), code: 'UNAVAILABLE', api: 'ready' };
    }
    return ok({ name: model, ready: true }, 'ready');
  }

  private metadata(model: string, selector: VersionSelector): RestReply {
    const lease = this.options.manager.acquire(model, selector);
    try {
      const sig = defaultSignature(lease.servable.signatures);
      const versions = this.options.manager
        .status(model)
        .filter((s) => s.state === 'AVAILABLE')
        .map((s) => s.version)
        .sort((a, b) => a - b)
        .map(String);
      const tensor = (t: SignatureSpec['inputs'][number]) => ({
        name: t.key,
        datatype: DTYPES[t.dtype].v2,
        shape: t.shape ?? [-1],
      });
      const runtime = lease.servable.runtime;
      return {
        ...ok({
          name: model,
          versions,
          platform: PLATFORMS[runtime] ?? runtime,
          inputs: sig.inputs.map(tensor),
          outputs: sig.outputs.map(tensor),
        }),
        version: lease.version,
      };
    } finally {
      lease.release();
    }
  }

  private async infer(
    model: string,
    selector: VersionSelector,
    body: Uint8Array,
    timing: PredictTiming,
  ): Promise<RestReply> {
    const doc = parseJson(body);
    if (!(doc instanceof JsonObject)) throw invalid('The inference request must be a JSON object with "inputs".');
    const id = doc.get('id');
    if (id !== undefined && typeof id !== 'string') throw invalid('"id" must be a string.');
    const inputList = list(doc.get('inputs'), 'inputs');
    if (inputList.length === 0) throw invalid('"inputs" must be a non-empty list.');
    const requested = doc.has('outputs') ? list(doc.get('outputs'), 'outputs').map(outputName) : undefined;
    const lease = this.options.manager.acquire(model, selector);
    try {
      const sig = defaultSignature(lease.servable.signatures);
      const inputs: Record<string, ServingTensor> = {};
      inputList.forEach((item, i) => {
        const header = readInputHeader(item, i, this.limits.maxElements);
        const spec = sig.inputs.find((s) => s.key === header.name);
        if (!spec)
          throw invalid(
            `unexpected inference input '${header.name}' for model '${model}'; it expects ${names(sig.inputs)}`,
          );
        if (spec.dtype !== header.dtype)
          throw invalid(
            `inference input '${header.name}' data-type is '${DTYPES[header.dtype].v2}', but model '${model}' expects '${DTYPES[spec.dtype].v2}'`,
          );
        if (inputs[header.name]) throw invalid(`input '${header.name}' is given twice`);
        inputs[header.name] = readInputData((item as JsonObject).get('data'), header);
      });
      const missing = sig.inputs.filter((s) => !inputs[s.key]).map((s) => s.key);
      if (missing.length > 0)
        throw invalid(`model '${model}' expects inputs ${names(sig.inputs)}; missing: ${missing.join(', ')}`);
      for (const name of requested ?? [])
        if (!sig.outputs.some((o) => o.key === name))
          throw invalid(`unexpected inference output '${name}' for model '${model}'; it has ${names(sig.outputs)}`);
      const signature = Object.keys(lease.servable.signatures).find(
        (k) => lease.servable.signatures[k] === sig,
      ) as string;
      const call = {
        model,
        version: lease.version,
        signature,
        servable: lease.servable,
        inputs,
        outputFilter: requested,
        api: 'infer',
        entrypoint: 'REST',
      } as const;
      const outputs = await runPredict(call, this.options.hooks, timing);
      const order = requested ?? sig.outputs.map((o) => o.key).filter((k) => outputs[k]);
      const out = json((w) => {
        w.startObject();
        w.key('model_name');
        w.string(model);
        w.key('model_version');
        w.string(String(lease.version));
        w.key('id');
        w.string((id as string | undefined) ?? randomUUID());
        w.key('outputs');
        w.startArray();
        for (const name of order) writeOutput(w, name, outputs[name]);
        w.endArray();
        w.endObject();
      });
      return { status: 200, body: out, code: 'OK', version: lease.version };
    } finally {
      lease.release();
    }
  }
}

function defaultSignature(signatures: Readonly<Record<string, SignatureSpec>>): SignatureSpec {
  const sig =
    signatures.serving_default ?? Object.values(signatures).find((s) => s.methodName === 'tensorflow/serving/predict');
  if (!sig) throw new ServingError('FAILED_PRECONDITION', 'The model has no serving_default signature to run.');
  return sig;
}

function list(v: JsonValue | undefined, what: string): JsonValue[] {
  if (Array.isArray(v)) return v;
  if (v instanceof NumArray) return Array.from({ length: v.length }, (_, i) => v.at(i));
  throw invalid(`"${what}" must be a list.`);
}

function outputName(v: JsonValue, i: number): string {
  const name = v instanceof JsonObject ? v.get('name') : undefined;
  if (typeof name !== 'string') throw invalid(`outputs[${i}] must be an object with a string "name".`);
  return name;
}

function names(specs: SignatureSpec['inputs']): string {
  return specs.map((s) => `'${s.key}'`).join(', ');
}

function decodeSegment(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw invalid(`Invalid ${what} in the URL: ${s}`);
  }
}

function parseVersion(s: string): number {
  if (!/^\d{1,15}$/.test(s)) throw invalid(`Invalid model version in the URL: ${s} (expected a non-negative integer)`);
  return Number(s);
}
