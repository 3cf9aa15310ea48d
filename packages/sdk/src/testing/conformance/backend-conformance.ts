/**
 * Conformance suite for the backend plugin point.
 */
import assert from 'node:assert/strict';
import type { Backend, BackendAvailability } from '../../backend/backend';

/**
 * Options for {@link describeBackendConformance}.
 *
 * @example
 * ```ts
 * const options: BackendConformanceOptions = { activate: true };
 * ```
 */
export interface BackendConformanceOptions {
  /** Also activate the backend when it is available (loads tfjs and its kernels: slower). */
  readonly activate?: boolean;
}

function checkAvailability(a: BackendAvailability): void {
  assert.equal(typeof a, 'object');
  assert.equal(typeof a.available, 'boolean');
  for (const key of ['reason', 'fix', 'version'] as const) {
    if (a[key] !== undefined) assert.equal(typeof a[key], 'string', `${key} must be a string`);
  }
  if (a.detail !== undefined) assert.ok(typeof a.detail === 'object' && a.detail !== null, 'detail must be an object');
  if (!a.available) assert.ok(a.reason && a.reason.length > 0, 'an unavailable backend must give a reason');
}

/**
 * Defines mocha tests for a backend: its declarations, a `probe()` that resolves to a
 * well-formed availability (never throws, also when called concurrently) and, optionally, an
 * `activate()` that switches tfjs to `tfjsBackend`.
 *
 * @example
 * ```ts
 * describeBackendConformance('wasm', () => new WasmBackend(), { activate: true });
 * ```
 */
export function describeBackendConformance(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  options: BackendConformanceOptions = {},
): void {
  describe(`Backend conformance: ${name}`, () => {
    it('declares name, tfjsBackend and a finite priority', async () => {
      const backend = await makeBackend();
      assert.equal(typeof backend.name, 'string');
      assert.notEqual(backend.name, '');
      assert.equal(typeof backend.tfjsBackend, 'string');
      assert.notEqual(backend.tfjsBackend, '');
      assert.ok(Number.isFinite(backend.priority), `priority=${backend.priority}`);
    });

    it('probe() resolves to a well-formed availability and never throws', async () => {
      const backend = await makeBackend();
      // Promise.resolve().then catches a synchronous throw too, which would break 'auto' selection.
      const results = await Promise.all([1, 2].map(() => Promise.resolve().then(() => backend.probe())));
      for (const availability of results) checkAvailability(availability);
      assert.equal(results[0]!.available, results[1]!.available, 'probe() must be stable');
    });

    it('activate() switches tfjs to tfjsBackend when available', async function () {
      const backend = await makeBackend();
      if (!options.activate || !(await backend.probe()).available) return this.skip();
      const tf = (await backend.activate()) as { getBackend?: () => string };
      assert.equal(typeof tf?.getBackend, 'function', 'activate() must resolve to the tfjs namespace');
      assert.equal(tf.getBackend!(), backend.tfjsBackend);
    });
  });
}
