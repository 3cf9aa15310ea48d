/**
 * @tfscale/plugin-deploy-browser — the `browser` deployer: a TF.js export becomes a static page
 * (bundled TF.js, a form built from the model's inputs, strict CSP) served on 127.0.0.1.
 * @packageDocumentation
 */
import { deployBrowserPlugin } from './plugin';

export {
  BrowserDeployer,
  type BrowserDeployerOptions,
  BrowserDeployment,
  browserDeployerFactory,
} from './browser-deployer';
export { findTfjsModel } from './find-tfjs-model';
export {
  exampleShape,
  formKind,
  type InputSpec,
  MAX_FIELDS,
  parseFieldValues,
  parseJsonInput,
  SUPPORTED_DTYPES,
} from './page/input-spec';
export { deployBrowserPlugin, PLUGIN_VERSION } from './plugin';
export { PAGE_CSP, pageHtml, pageScript, writeSite } from './site';
export { CONTENT_TYPES, resolveFile, type StaticServer, serveStatic } from './static-server';

export default deployBrowserPlugin;
