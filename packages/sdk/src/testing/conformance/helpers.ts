/**
 * Shared pieces of the conformance suites, exported for plugin authors' own tests.
 */
import assert from 'node:assert/strict';
import { createRootContainer, createRunContainer } from '../../core/container';
import { type ErrorCode, isTfscaleError, type TfscaleError } from '../../core/errors';
import type { FactoryContext } from '../../core/factory-context';
import { silentLogger } from '../../core/logger';

/**
 * A fresh factory context: a run container under a new root (with a `TrainingControl`) and a
 * silent logger. Each call is isolated from every other.
 *
 * @example
 * ```ts
 * const exporter = await myExporterFactory({}, conformanceContext());
 * ```
 */
export function conformanceContext(): FactoryContext {
  const root = createRootContainer({ logger: silentLogger });
  return { container: createRunContainer(root), logger: silentLogger };
}

/**
 * Asserts that `action` throws or rejects with a coded SDK error of `code`, and returns it.
 *
 * @example
 * ```ts
 * await expectCodedError(() => exporter.export(model, 'nope://x'), 'TFSCALE_E_SCHEME_UNSUPPORTED');
 * ```
 */
export async function expectCodedError(action: () => unknown, code: ErrorCode): Promise<TfscaleError> {
  let caught: unknown;
  try {
    await action();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected an error with code ${code}, but nothing was thrown`);
  assert.ok(
    isTfscaleError(caught, code),
    `expected code ${code}, got ${caught instanceof Error ? `${(caught as { code?: string }).code ?? caught.name}: ${caught.message}` : String(caught)}`,
  );
  return caught;
}
