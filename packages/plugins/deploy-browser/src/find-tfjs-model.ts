/**
 * Finds the TF.js export to deploy from what a user points at: a `model.json`, a folder holding
 * one, or a model base laid out by `exportModel` (`<base>/tfjs/<version>/model.json`, next to
 * the SavedModel's `<base>/<version>`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidValue } from '@tfscale/sdk';

const EXPECTED = 'a TF.js export: a model.json, a folder holding one, or a model base with tfjs/<version>/model.json';

/**
 * The folder of the TF.js model to deploy and its format. For a model base the highest
 * numbered version wins. Throws `TFSCALE_E_INVALID_VALUE` (with the export command as hint)
 * when there is none.
 *
 * @example
 * ```ts
 * findTfjsModel('models/digits'); // { dir: '/abs/models/digits/tfjs/3', format: 'layers-model', version: 3 }
 * ```
 */
export function findTfjsModel(modelPath: string): { dir: string; format: string; version?: number } {
  if (typeof modelPath !== 'string' || modelPath === '') throw invalidValue('modelPath', modelPath, EXPECTED);
  const given = path.resolve(modelPath.startsWith('file://') ? modelPath.slice(7) : modelPath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(given);
  } catch {
    throw invalidValue('modelPath', modelPath, `${EXPECTED}; it does not exist`);
  }
  if (stat.isFile()) {
    if (path.basename(given) !== 'model.json') throw invalidValue('modelPath', modelPath, EXPECTED);
    return described(path.dirname(given), modelPath);
  }
  if (fs.existsSync(path.join(given, 'model.json'))) return described(given, modelPath);
  for (const base of [path.join(given, 'tfjs'), given]) {
    const version = latestVersion(base);
    if (version !== undefined) return { ...described(path.join(base, String(version)), modelPath), version };
  }
  throw invalidValue(
    'modelPath',
    modelPath,
    `${EXPECTED}; found none`,
    'Export one first: tfscale export <model> --format tfjs --out <base>',
  );
}

function latestVersion(base: string): number | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(base);
  } catch {
    return undefined;
  }
  const versions = names
    .filter((n) => /^\d+$/.test(n) && fs.existsSync(path.join(base, n, 'model.json')))
    .map(Number)
    .sort((a, b) => b - a);
  return versions[0];
}

function described(dir: string, given: string): { dir: string; format: string } {
  let manifest: { format?: unknown; modelTopology?: unknown; weightsManifest?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  } catch (err) {
    throw invalidValue('modelPath', given, `${EXPECTED}; its model.json does not parse (${(err as Error).message})`);
  }
  if (!manifest.modelTopology || !Array.isArray(manifest.weightsManifest)) {
    throw invalidValue('modelPath', given, `${EXPECTED}; its model.json has no modelTopology or weightsManifest`);
  }
  return { dir, format: typeof manifest.format === 'string' ? manifest.format : 'layers-model' };
}
