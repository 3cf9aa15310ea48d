import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..', '..');

/**
 * The Python that interop tests run (TensorFlow 2.21, TensorBoard, ONNX): `TFSCALE_PYTHON`, else
 * the repository's `.venv` that `.ci/run` creates. In CI a missing one is an error, never a skip.
 * @example
 *   const python = interopPython(); if (!python.path) this.skip();
 */
export function interopPython(): { path?: string; reason?: string } {
  const candidate = process.env.TFSCALE_PYTHON ?? path.join(repo, '.venv', 'bin', 'python');
  if (fs.existsSync(candidate)) return { path: candidate };
  if (process.env.CI === 'true') throw new Error(`CI: no Python at ${candidate} (.ci/run creates .venv)`);
  return { reason: `no Python venv at ${candidate}; run .ci/run once or set TFSCALE_PYTHON` };
}
