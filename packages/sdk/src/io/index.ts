/**
 * Local file IO: atomic writes, weight files, and the TF.js Layers folder format.
 * @packageDocumentation
 */
export { writeDirAtomic, writeFileAtomic } from './atomic-dir';
export { filePath, tfjsFolder } from './tfjs-file-handler';
export { modelWeights, readWeights, setModelWeights, WEIGHTS_BIN, WEIGHTS_JSON, writeWeights } from './weights-file';
