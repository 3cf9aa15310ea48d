/**
 * The `savedmodel` exporter: {@link writeSavedModel} behind the exporter contract.
 */
import * as path from 'node:path';
import { invalidValue } from '../../core/errors';
import { requireScheme } from '../../core/scheme-router';
import { filePath } from '../../io/tfjs-file-handler';
import type { Exporter, ExportOptions, ExportResult } from '../exporter';
import type { ServingInputFn } from '../graph/model-graph';
import { writeSavedModel } from './write-saved-model';

/**
 * Writes a TF1-style SavedModel (tag `serve`, signature `serving_default`) that TF Serving and
 * `tf.saved_model.load` read; `file://` destinations only.
 *
 * @example
 * ```ts
 * registry.register('savedmodel', () => new SavedModelExporter());
 * await new SavedModelExporter().export(model, 'file://models/digits/1');
 * ```
 */
export class SavedModelExporter implements Exporter {
  readonly format = 'savedmodel';
  readonly schemes = ['file://'] as const;

  async export(model: unknown, destination: string, options: ExportOptions = {}): Promise<ExportResult> {
    requireScheme(destination, this.schemes, 'exporter "savedmodel"');
    const m = model as { layers?: unknown; inputs?: unknown; outputs?: unknown } | null;
    if (
      !m ||
      typeof m !== 'object' ||
      !Array.isArray(m.layers) ||
      !Array.isArray(m.inputs) ||
      !Array.isArray(m.outputs)
    ) {
      throw invalidValue('model', model, 'a tfjs LayersModel (tf.sequential or tf.model) for the savedmodel exporter');
    }
    const written = await writeSavedModel(
      model as Parameters<typeof writeSavedModel>[0],
      path.resolve(filePath(destination)),
      {
        overwrite: options.overwrite === true,
        // exporterOptions.savedmodel.servingInput: a graph run before the model (see ServingInputFn).
        ...(typeof options.servingInput === 'function' ? { servingInput: options.servingInput as ServingInputFn } : {}),
      },
    );
    return { format: this.format, path: written.dir, files: written.files, bytes: written.bytes };
  }
}
