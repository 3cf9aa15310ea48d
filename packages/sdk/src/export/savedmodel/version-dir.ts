/**
 * TF Serving's model layout: `<base>/<version>/saved_model.pb`, numeric versions, the highest
 * one served. A new export goes into the next free version.
 */
import * as path from 'node:path';
import { nextVersion } from '../export-model';

/**
 * `<base>/<n>` where `n` is one more than the highest numeric version under `base` (also
 * counting other formats' `<base>/<format>/<n>`, so one export run shares one number); `<base>/1`
 * for a new base. Non-numeric entries (`tfjs/`, `.tmp-*` leftovers) are ignored, as TF Serving
 * ignores them.
 *
 * @example
 * ```ts
 * await writeSavedModel(model, await nextVersionDir('models/digits')); // models/digits/4 after 1..3
 * ```
 */
export async function nextVersionDir(base: string): Promise<string> {
  return path.join(base, String(await nextVersion(base)));
}
