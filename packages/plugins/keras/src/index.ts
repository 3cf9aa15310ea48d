/**
 * @tfscale/plugin-keras — Keras 3 `.keras` archives written from tfscale models, and `.keras` /
 * legacy `.h5` Keras models loaded into tfscale.
 * @packageDocumentation
 */
import { kerasPlugin } from './plugin';

export { ACTIVATIONS_FROM_KERAS, ACTIVATIONS_TO_KERAS } from './activations';
export { KERAS_FILE, KerasExporter, type SaveKerasOptions, saveKerasModel } from './keras-exporter';
export { KERAS_VERSION } from './keras-json';
export { LAYERS_FROM_KERAS } from './layers-from-keras';
export { LAYERS_TO_KERAS } from './layers-to-keras';
export { type LoadKerasOptions, loadKerasModel } from './load-keras-model';
export { kerasPlugin, PLUGIN_VERSION } from './plugin';

export default kerasPlugin;
