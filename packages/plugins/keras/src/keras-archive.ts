/**
 * The `.keras` archive: a zip of `metadata.json`, `config.json` and `model.weights.h5`, stored
 * uncompressed as Keras writes it.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { badFile } from './errors';
import { type H5GroupSpec, writeH5 } from './h5';
import { saveables } from './keras-graph';
import { isObject, type Json, KERAS_VERSION } from './keras-json';
import type { ExportedModel } from './model-to-keras';
import { serializeModel } from './serialize-keras';

/** Keras' `date_saved` format: `2026-01-31@12:00:00`. */
function dateSaved(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * The archive bytes of a translated model.
 *
 * @example
 * ```ts
 * fs.writeFileSync('model.keras', await kerasArchive(tfjsToKeras(model)));
 * ```
 */
export async function kerasArchive(exported: ExportedModel): Promise<Uint8Array> {
  const groups: H5GroupSpec[] = saveables(exported.model).map((s) => ({
    path: s.path ? `${s.path}/vars` : 'vars',
    attrs: { name: s.name },
    datasets: (s.op ? (exported.variables.get(s.op) ?? []) : []).map((v, i) => ({
      name: String(i),
      data: v.data,
      shape: v.shape,
    })),
  }));
  const weights = await writeH5(groups);
  const json = (value: unknown) => strToU8(JSON.stringify(value));
  return zipSync(
    {
      'metadata.json': json({ keras_version: KERAS_VERSION, date_saved: dateSaved() }),
      'config.json': json(serializeModel(exported.model)),
      'model.weights.h5': weights,
    },
    { level: 0 },
  );
}

/**
 * The parts of a `.keras` archive a loader needs.
 *
 * @example
 * ```ts
 * const { config, kerasMajor, weights } = readKerasArchive(bytes, 'model.keras');
 * ```
 */
export interface KerasArchive {
  readonly config: Json;
  /** Major version of the Keras that wrote it (from metadata.json; 3 when absent). */
  readonly kerasMajor: number;
  readonly weights: Uint8Array;
}

/**
 * Reads a `.keras` archive's config, metadata and weights file.
 *
 * @example
 * ```ts
 * const archive = readKerasArchive(fs.readFileSync('model.keras'), 'model.keras');
 * ```
 */
export function readKerasArchive(bytes: Uint8Array, file: string): KerasArchive {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => ['config.json', 'metadata.json', 'model.weights.h5'].includes(f.name),
    });
  } catch (err) {
    throw badFile(file, `not a readable zip archive (${(err as Error).message})`);
  }
  const parse = (name: string): unknown => {
    const entry = entries[name];
    if (!entry) return undefined;
    try {
      return JSON.parse(strFromU8(entry));
    } catch {
      throw badFile(file, `${name} is not valid JSON`);
    }
  };
  const config = parse('config.json');
  if (!isObject(config)) throw badFile(file, 'config.json is missing');
  const weights = entries['model.weights.h5'];
  if (!weights) throw badFile(file, 'model.weights.h5 is missing (a model.weights.npz archive is not supported)');
  const metadata = parse('metadata.json');
  const version = isObject(metadata) && typeof metadata.keras_version === 'string' ? metadata.keras_version : '3';
  return { config, kerasMajor: Number.parseInt(version, 10) || 3, weights };
}
