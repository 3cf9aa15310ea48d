/**
 * Warming a new version up before it takes traffic (TF Serving's `--enable_model_warmup`, TFS
 * `g3doc/saved_model_warmup.md`): the version's own `assets.extra/tf_serving_warmup_requests` when
 * present (a failing request fails the load, as in TF Serving), otherwise one synthetic request per
 * signature — zeros (empty strings) of the signature's shape, unknown dimensions 1 — whose
 * failures are only reported, since a model may reject zeros (an image decoder, a lookup).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readWarmupFile, type WarmupRequest } from './model-warmup-file';
import { zeroTensor } from './runtimes/tf-dtypes';
import { type Servable, ServingError, type ServingTensor, type SignatureSpec } from './types';

/**
 * Where TF Serving looks for warmup requests inside a version folder.
 * @example
 *   path.join(versionDir, WARMUP_FILE); // '<dir>/assets.extra/tf_serving_warmup_requests'
 */
export const WARMUP_FILE = path.join('assets.extra', 'tf_serving_warmup_requests');

/**
 * What a warmup did.
 * @example
 *   const r: WarmupResult = { source: 'synthetic', requests: 1, warnings: [] };
 */
export interface WarmupResult {
  source: 'file' | 'synthetic' | 'none';
  requests: number;
  warnings: string[];
}

/**
 * Warms `servable` up from `versionDir`'s warmup file, else synthetically. Rejects (the load
 * fails) only when the warmup file is unreadable or one of its requests fails.
 * @example
 *   const { source, requests } = await warmUpServable(servable, '/models/half/2');
 */
export async function warmUpServable(servable: Servable, versionDir: string): Promise<WarmupResult> {
  const file = path.join(versionDir, WARMUP_FILE);
  const hasFile = await fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (hasFile) {
    const requests = await readWarmupFile(file);
    for (const r of requests) await runWarmupRequest(servable, r);
    return { source: 'file', requests: requests.length, warnings: [] };
  }
  const warnings: string[] = [];
  let requests = 0;
  const names = Object.keys(servable.signatures).sort(
    (a, b) => Number(b === 'serving_default') - Number(a === 'serving_default'),
  );
  for (const name of names) {
    const inputs = syntheticInputs(servable.signatures[name]!);
    if (!inputs) continue;
    requests++;
    await servable.predict(name, inputs).catch((err: Error) => warnings.push(`${name}: ${err.message}`));
  }
  return { source: requests ? 'synthetic' : 'none', requests, warnings };
}

/**
 * Batch-1 zero inputs for `spec` (unknown dimensions 1), or undefined when an input has unknown
 * rank (no shape to make).
 * @example
 *   syntheticInputs(spec); // { x: { dtype: 'float32', shape: [1, 1], data: Float32Array [0] } }
 */
export function syntheticInputs(spec: SignatureSpec): Record<string, ServingTensor> | undefined {
  const inputs: Record<string, ServingTensor> = {};
  for (const i of spec.inputs) {
    if (!i.shape) return undefined;
    inputs[i.key] = zeroTensor(
      i.dtype,
      i.shape.map((d) => (d < 0 ? 1 : d)),
    );
  }
  return inputs;
}

async function runWarmupRequest(servable: Servable, r: WarmupRequest): Promise<void> {
  if (r.kind === 'predict') {
    await servable.predict(r.signature, r.inputs, r.outputFilter.length ? r.outputFilter : undefined);
    return;
  }
  const spec = servable.signatures[r.signature];
  if (!spec) throw new ServingError('FAILED_PRECONDITION', `Serving signature key "${r.signature}" not found.`);
  const input = spec.inputs.length === 1 && spec.inputs[0]!.dtype === 'string' ? spec.inputs[0] : undefined;
  if (!input) throw new ServingError('INVALID_ARGUMENT', 'Expected one input Tensor.');
  const examples: ServingTensor = { dtype: 'string', shape: [r.examples.length], data: r.examples };
  await servable.predict(r.signature, { [input.key]: examples });
}
