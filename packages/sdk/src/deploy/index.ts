/**
 * Deployers: the plugin point's contract, the built-in `local` target and the readiness probe
 * other TF Serving-compatible targets share.
 */
export {
  type Deployer,
  type DeployerFactory,
  DeployerToken,
  type Deployment,
  type DeploymentState,
  type DeploymentStatus,
  type DeploySpec,
} from './deployer';
export { deploymentStateDir, type LocalDeploymentRecord } from './deployment-record';
export { exampleCurl, examplePredictBody } from './example-request';
export {
  LocalDeployer,
  type LocalDeployerOptions,
  localDeployerFactory,
  registerBuiltinDeployers,
} from './local-deployer';
export {
  attach as attachLocalDeployment,
  LocalDeployment,
  type LocalDeploymentOptions,
  listDeployments as listLocalDeployments,
} from './local-deployment';
export { type ModelProbe, probeModel, type WaitForModelOptions, waitForModel } from './model-probe';
