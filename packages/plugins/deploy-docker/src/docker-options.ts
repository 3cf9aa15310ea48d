/**
 * The `docker` target's options, read from the factory and `DeploySpec.options`. Values may be
 * strings (the CLI's `--option key=value` passes strings) or their typed forms.
 */
import { invalidValue } from '@tfscale/sdk';
import type { DockerServingSpec } from './docker-command';

/**
 * Checked options: the container spec (without the model) plus how to reach Docker.
 *
 * @example
 * ```ts
 * const { serving, docker } = readDockerOptions({ restApiPort: '0', tag: '2.18.0' });
 * ```
 */
export interface DockerOptions {
  readonly serving: Omit<DockerServingSpec, 'modelPath' | 'modelName'>;
  /** The docker binary. */
  readonly docker: string;
  /** `DOCKER_HOST` for the calls (default: the environment's, or Docker's own default). */
  readonly dockerHost?: string;
  readonly readyTimeoutMs: number;
}

function port(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw invalidValue(name, value, 'an integer port in [0, 65535] (0: Docker picks a free one)');
  return n;
}

function text(name: string, value: unknown, pattern?: RegExp): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value)))
    throw invalidValue(name, value, pattern ? `a string matching ${pattern}` : 'a non-empty string');
  return value;
}

/**
 * Validates and normalises the options; a typo fails before Docker is asked anything.
 *
 * @example
 * ```ts
 * readDockerOptions({ grpcPort: 9000, image: 'tensorflow/serving', tag: 'latest-gpu', gpus: 'all' });
 * ```
 */
export function readDockerOptions(raw: Readonly<Record<string, unknown>>): DockerOptions {
  const serverArgs = typeof raw.serverArgs === 'string' ? raw.serverArgs.split(/\s+/).filter(Boolean) : raw.serverArgs;
  if (serverArgs !== undefined && !(Array.isArray(serverArgs) && serverArgs.every((a) => typeof a === 'string')))
    throw invalidValue(
      'serverArgs',
      raw.serverArgs,
      'model server flags: an array of strings, or one space-separated string',
    );
  const restApiPort = port('restApiPort', raw.restApiPort);
  const grpcPort = port('grpcPort', raw.grpcPort);
  if (restApiPort && restApiPort === (grpcPort ?? 8500))
    throw invalidValue('restApiPort', raw.restApiPort, 'a port different from grpcPort');
  const timeout = raw.readyTimeoutMs === undefined ? 300_000 : Number(raw.readyTimeoutMs);
  if (!(timeout > 0)) throw invalidValue('readyTimeoutMs', raw.readyTimeoutMs, 'a positive number of milliseconds');
  const serving: DockerOptions['serving'] = {
    restApiPort,
    grpcPort,
    host: text('host', raw.host),
    image: text('image', raw.image, /^[\w.\-/:@]+$/),
    tag: text('tag', raw.tag, /^[\w][\w.-]{0,127}$/),
    gpus: text('gpus', raw.gpus),
    containerName: text('containerName', raw.containerName, /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/),
    serverArgs: serverArgs as string[] | undefined,
  };
  return {
    // Drop unset keys so spreading the spec keeps defaults.
    serving: Object.fromEntries(Object.entries(serving).filter(([, v]) => v !== undefined)),
    docker: text('docker', raw.docker) ?? 'docker',
    ...(raw.dockerHost === undefined ? {} : { dockerHost: text('dockerHost', raw.dockerHost) }),
    // A first run pulls the image (hundreds of MB): the default allows for that.
    readyTimeoutMs: timeout,
  };
}
