/**
 * Loads a pipeline file: a compiled .js/.cjs module whose default export (or `module.exports`) is
 * `definePipeline({...})`. TypeScript must be compiled first, as for run files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TfscaleError } from '../core/errors';
import type { Pipeline } from './pipeline';

/**
 * The pipeline a file exports, and the folder it lives in (relative paths resolve there).
 * @example
 *   const { pipeline, baseDir } = loadPipelineFile('examples/dist/pipeline/pipeline.js');
 */
export function loadPipelineFile(file: string): { pipeline: Pipeline; baseDir: string; file: string } {
  const absolute = path.resolve(file);
  const ext = path.extname(absolute);
  if (['.ts', '.mts', '.cts'].includes(ext)) {
    throw new TfscaleError(
      'TFSCALE_E_CONFIG_UNSUPPORTED_FILE',
      `Cannot load pipeline ${file}: TypeScript must be compiled first.`,
      {
        hint: 'compile it (e.g. `npx tsc -b examples`) and pass the emitted .js file',
      },
    );
  }
  if (!fs.existsSync(absolute)) {
    throw new TfscaleError('TFSCALE_E_CONFIG_NOT_FOUND', `Pipeline file not found: ${file}`, {
      hint: 'pass a .js file whose default export is definePipeline({...})',
    });
  }
  delete require.cache[absolute];
  const mod = require(absolute) as { default?: unknown };
  const value = (mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod) as Partial<Pipeline>;
  if (!value || typeof value !== 'object' || !Array.isArray(value.nodes) || typeof value.name !== 'string') {
    throw new TfscaleError('TFSCALE_E_CONFIG_INVALID', `${file} does not export a pipeline.`, {
      hint: 'end the file with `export default definePipeline({ name, root, components })`',
    });
  }
  return { pipeline: value as Pipeline, baseDir: path.dirname(absolute), file: absolute };
}
