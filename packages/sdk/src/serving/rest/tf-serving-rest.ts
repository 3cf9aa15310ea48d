/**
 * TF Serving's REST API (`/v1/...`), as http_rest_api_handler.cc and http_rest_api_util.cc
 * route and answer it: the same path regexes (case-insensitive, model name and label
 * URL-decoded, version an int64), status / metadata / predict / classify / regress, the same
 * order of checks (body JSON first, then the servable, then the tensors) and the same messages.
 * It is transport-free: the HTTP server hands it method, path and body.
 */
import { type PredictHooks, type PredictTiming, runPredict, type ServingApi } from '../predict-hooks';
import type { ModelManager, ServingErrorCode, VersionSelector } from '../types';
import { ServingError } from '../types';
import { classifyExamples, regressExamples } from './classify-regress';
import { examplesFromJson } from './example-json';
import { asServingError, errorJson, httpStatusFor } from './http-status';
import { fillPredictInputs, readRequestObject, type TensorLimits } from './json-tensor';
import { makeJsonFromTensors } from './json-tensor-output';
import { modelMetadataJson, modelStatusJson } from './model-status-json';

/** kHTTPRestApiHandlerPathRegex: what this API answers at all. */
const HANDLER_PATH = /^\/v1\//i;
const PREDICTION_PATH =
  /^\/v1\/models\/([^/:]+)(?:(?:\/versions\/(\d+))|(?:\/labels\/([^/:]+)))?:(classify|regress|predict)$/i;
const STATUS_PATH = /^\/v1\/models(?:\/([^/:]+))?(?:(?:\/versions\/(\d+))|(?:\/labels\/([^/:]+)))?(?:\/(metadata))?$/i;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * A transport-free REST answer, plus what observers report about it.
 * @example
 *   const reply = await api.handle('GET', '/v1/models/m', Buffer.alloc(0)); reply.status; // 200
 */
export interface RestReply {
  readonly status: number;
  readonly body: Buffer;
  readonly code: ServingErrorCode;
  readonly api?: ServingApi;
  readonly model?: string;
  readonly version?: number;
  readonly timing?: PredictTiming;
}

/**
 * Options of {@link TfServingRestApi}.
 * @example
 *   new TfServingRestApi({ manager, limits: { maxElements: 1 << 26 } });
 */
export interface TfServingRestOptions {
  readonly manager: ModelManager;
  readonly hooks?: PredictHooks;
  readonly limits?: TensorLimits;
}

/** curl_easy_unescape: `%XX` → byte (anything else kept), bytes read as UTF-8. */
function unescapeArg(s: string): string {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * TF Serving's REST API over a {@link ModelManager}.
 * @example
 *   const api = new TfServingRestApi({ manager });
 *   if (api.handles(path)) reply = await api.handle('POST', '/v1/models/m:predict', body);
 */
export class TfServingRestApi {
  private readonly limits: TensorLimits;

  constructor(private readonly options: TfServingRestOptions) {
    this.limits = options.limits ?? { maxElements: 1 << 28 };
  }

  /** Whether a path (without query) belongs to this API (`(?i)/v1/.*`). */
  handles(path: string): boolean {
    return HANDLER_PATH.test(path);
  }

  /** Answers one request; never throws. */
  async handle(method: string, path: string, body: Uint8Array): Promise<RestReply> {
    let model: string | undefined;
    let api: ServingApi | undefined;
    let version: number | undefined;
    const timing: PredictTiming = {};
    try {
      const post = method === 'POST' ? PREDICTION_PATH.exec(path) : null;
      const get = method === 'GET' ? STATUS_PATH.exec(path) : null;
      const m = post ?? get;
      if (!m) throw new ServingError('INVALID_ARGUMENT', `Malformed request: ${method} ${path}`);
      model = unescapeArg(m[1] ?? '');
      const selector = this.selector(m[2], m[3]);
      let result: { body: Buffer | string; version?: number };
      if (post) {
        const verb = post[4];
        if (verb !== 'predict' && verb !== 'classify' && verb !== 'regress')
          throw new ServingError('INVALID_ARGUMENT', `Malformed request: ${method} ${path}`);
        api = verb;
        result =
          verb === 'predict'
            ? await this.predict(model, selector, body, timing)
            : await this.examples(verb, model, selector, body, timing);
      } else {
        api = get?.[4] === 'metadata' ? 'metadata' : 'status';
        if (!model) throw new ServingError('INVALID_ARGUMENT', 'Missing model name in request.');
        result =
          api === 'metadata'
            ? this.metadata(model, selector)
            : { body: modelStatusJson(this.options.manager.status(model, selector)) };
      }
      version = result.version;
      const out = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
      return { status: 200, body: out, code: 'OK', api, model: model || undefined, version, timing };
    } catch (e) {
      const err = asServingError(e);
      return {
        status: httpStatusFor(err.code),
        body: errorJson(err.message),
        code: err.code,
        api,
        model: model || undefined,
        version,
        timing,
      };
    }
  }

  private selector(versionText: string | undefined, label: string | undefined): VersionSelector {
    if (versionText !== undefined) {
      if (BigInt(versionText) > INT64_MAX)
        throw new ServingError('INVALID_ARGUMENT', `Failed to convert version: ${versionText} to numeric.`);
      return { version: Number(versionText) };
    }
    return label === undefined ? {} : { label: unescapeArg(label) };
  }

  private async predict(model: string, selector: VersionSelector, body: Uint8Array, timing: PredictTiming) {
    const { doc, signatureName } = readRequestObject(body);
    const lease = this.options.manager.acquire(model, selector);
    try {
      const signature = signatureName || 'serving_default';
      const sig = lease.servable.signatures[signature];
      if (!sig)
        throw new ServingError('INVALID_ARGUMENT', `Serving signature name: "${signature}" not found in signature def`);
      const { format, inputs } = fillPredictInputs(doc, sig.inputs, signatureName, this.limits);
      const call = {
        model,
        version: lease.version,
        signature,
        servable: lease.servable,
        inputs,
        api: 'predict',
        entrypoint: 'REST',
      } as const;
      const outputs = await runPredict(call, this.options.hooks, timing);
      return { body: makeJsonFromTensors(outputs, format), version: lease.version };
    } finally {
      lease.release();
    }
  }

  private async examples(
    verb: 'classify' | 'regress',
    model: string,
    selector: VersionSelector,
    body: Uint8Array,
    timing: PredictTiming,
  ) {
    const { doc, signatureName } = readRequestObject(body);
    const examples = examplesFromJson(doc);
    const lease = this.options.manager.acquire(model, selector);
    try {
      const target = {
        model,
        version: lease.version,
        servable: lease.servable,
        signatureName,
        entrypoint: 'REST',
      } as const;
      const run = verb === 'classify' ? classifyExamples : regressExamples;
      return { body: await run(target, examples, this.options.hooks, timing), version: lease.version };
    } finally {
      lease.release();
    }
  }

  private metadata(model: string, selector: VersionSelector) {
    const lease = this.options.manager.acquire(model, selector);
    try {
      return { body: modelMetadataJson(model, lease.version, lease.servable), version: lease.version };
    } finally {
      lease.release();
    }
  }
}

/**
 * TF Serving's error reply for a request this API refused before routing (body too large,
 * unauthenticated): same body format, code-mapped status.
 * @example
 *   restError(new ServingError('UNAUTHENTICATED', 'Missing bearer token'));
 */
export function restError(err: ServingError): RestReply {
  return { status: httpStatusFor(err.code), body: errorJson(err.message), code: err.code };
}
