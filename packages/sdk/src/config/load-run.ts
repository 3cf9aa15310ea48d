import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_ERROR_CODES, ConfigError } from './config-error';
import { parseJson } from './parse-json';
import type { RunDefinition } from './run-schema';
import { parseRun } from './validate-run';

/**
 * The run file looked for when a directory is given.
 * @example
 *   path.join(projectDir, RUN_FILE_NAME); // '<projectDir>/tfscale.json'
 */
export const RUN_FILE_NAME = 'tfscale.json';

async function resolveFile(file: string): Promise<string> {
  const absolute = path.resolve(file);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isDirectory()) return resolveFile(path.join(absolute, RUN_FILE_NAME));
  if (!info) {
    throw new ConfigError(CONFIG_ERROR_CODES.notFound, `Run file not found: ${file}`, {
      file,
      hint: `Pass the path of a ${RUN_FILE_NAME}, or of a .js file whose default export is defineRun({...}).`,
    });
  }
  return absolute;
}

// TypeScript is not loaded on the fly: Node 20 cannot run it, and a compiler is not a runtime dependency.
function unsupported(file: string, ext: string): ConfigError {
  const typescript = ['.ts', '.mts', '.cts'].includes(ext);
  return new ConfigError(
    CONFIG_ERROR_CODES.unsupportedFile,
    `Cannot load run file ${file}: ${typescript ? 'TypeScript files must be compiled first' : `'${ext}' is not a run file type`}.`,
    {
      file,
      hint: typescript
        ? `Compile it (e.g. \`npx tsc\`) and pass the emitted .js file, or write the run as ${RUN_FILE_NAME}.`
        : `Use ${RUN_FILE_NAME}, or a .js/.cjs/.mjs file whose default export is defineRun({...}).`,
    },
  );
}

async function importModule(absolute: string, ext: string): Promise<unknown> {
  if (ext !== '.mjs') {
    try {
      // Load the file as it is now: a long-lived process (the extension's server) may load it again.
      delete require.cache[absolute];
      const mod = require(absolute) as { default?: unknown; __esModule?: boolean };
      // `export default defineRun(...)` compiled to CommonJS, or `module.exports = defineRun(...)`.
      return mod.__esModule || 'default' in mod ? mod.default : mod;
    } catch (err) {
      // A .js file in a `"type": "module"` package: Node 20 can only import() it.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    }
  }
  const mod = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  return mod.default;
}

function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError || (err instanceof Error && err.name === 'ConfigError' && 'issues' in err);
}

async function loadModule(absolute: string, ext: string, shown: string): Promise<unknown> {
  try {
    return await importModule(absolute, ext);
  } catch (err) {
    // defineRun() ran while the module loaded: say which file its issues are in. Matched by shape,
    // since the module may have imported another copy of the SDK.
    if (!isConfigError(err) || err.file !== undefined) throw err;
    const summary = err.message.split('\n')[0].replace(/^Invalid run definition/, `Invalid run definition in ${shown}`);
    throw new ConfigError(err.code, summary, {
      issues: err.issues,
      file: shown,
      cause: err,
      ...(err.hint ? { hint: err.hint } : {}),
    });
  }
}

/**
 * Loads and validates a run definition from `tfscale.json` (or a directory holding one), or from a
 * .js/.cjs/.mjs module whose default export is a `defineRun(...)` result. Throws a `ConfigError`
 * naming the file and, for JSON syntax errors, the line and column.
 * @example
 *   const run = await loadRunFile('examples/quickstart/tfscale.json');
 *   console.log(run.epochs, run.data.batchSize);
 */
export async function loadRunFile(file: string): Promise<RunDefinition> {
  const absolute = await resolveFile(file);
  const relative = path.relative(process.cwd(), absolute);
  // Messages name the file as the user would type it: relative when under the working directory.
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
  const ext = path.extname(absolute).toLowerCase();
  if (ext === '.json') {
    const value = parseJson(await readFile(absolute, 'utf8'), shown);
    return parseRun(value, { form: 'file' }, shown);
  }
  if (!['.js', '.cjs', '.mjs'].includes(ext)) throw unsupported(shown, ext);
  const value = await loadModule(absolute, ext, shown);
  if (value === undefined) {
    throw new ConfigError(CONFIG_ERROR_CODES.invalid, `Run file ${shown} has no default export.`, {
      file: shown,
      hint: 'End it with `export default defineRun({...})` (or `module.exports = defineRun({...})`).',
    });
  }
  return parseRun(value, { form: 'ts' }, shown);
}
