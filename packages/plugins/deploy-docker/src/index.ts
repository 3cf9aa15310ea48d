/**
 * @tfscale/plugin-deploy-docker — deploy a SavedModel in TensorFlow Serving's own container:
 * `tfscale deploy --target docker models/half` runs `tensorflow/serving` detached and waits for
 * the model to be AVAILABLE.
 * @packageDocumentation
 */
import { deployDockerPlugin } from './plugin';

export { DockerCallError, type DockerCli, type DockerEngine, docker, dockerEngine } from './docker-cli';
export {
  CONTAINER_GRPC_PORT,
  CONTAINER_REST_PORT,
  type DockerServingSpec,
  defaultContainerName,
  dockerRunArgs,
  formatDockerCommand,
} from './docker-command';
export { DockerDeployer, DockerDeployment, dockerDeployerFactory } from './docker-deployer';
export { type DockerOptions, readDockerOptions } from './docker-options';
export { deployDockerPlugin, PLUGIN_VERSION } from './plugin';

export default deployDockerPlugin;
