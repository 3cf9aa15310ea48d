/**
 * Export: the exporter contract, the built-in exporters, versioned export, and loading SavedModels.
 * @packageDocumentation
 */
export { registerBuiltinExporters } from './builtin-exporters';
export { type ExportModelOptions, type ExportModelResult, exportModel, nextVersion, versionDir } from './export-model';
export { type Exporter, type ExporterFactory, ExporterToken, type ExportOptions, type ExportResult } from './exporter';
export { type LoadedSavedModel, loadSavedModel, type SignatureTensor } from './load-saved-model';
export { asLayersModel, listFiles, TfjsExporter } from './tfjs-exporter';
