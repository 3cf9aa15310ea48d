/**
 * Test kits for plugin authors: one conformance suite per plugin point (mocha `describe`/`it`),
 * plus helpers. Import from `@tfscale/sdk/dist/testing` in test files only.
 */

export { type CanonicalOptions, canonicalData, canonicalModel } from './canonical';
export {
  type BackendConformanceOptions,
  describeBackendConformance,
} from './conformance/backend-conformance';
export {
  type CallbackConformanceOptions,
  describeCallbackConformance,
} from './conformance/callback-conformance';
export {
  type DeployerConformanceOptions,
  describeDeployerConformance,
} from './conformance/deployer-conformance';
export {
  describeExporterConformance,
  type ExporterConformanceOptions,
} from './conformance/exporter-conformance';
export { conformanceContext, expectCodedError } from './conformance/helpers';
export {
  describeStrategyConformance,
  type StrategyConformanceOptions,
} from './conformance/strategy-conformance';
