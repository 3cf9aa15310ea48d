/**
 * The `docker run` of the TensorFlow Serving image, built in one place: the chapter's command
 * (`docker run -it --rm -p 8500:8500 -p 8501:8501 -v "<base>:/models/<name>" -e MODEL_NAME=<name>
 * tensorflow/serving`) and its detached form for a deployment.
 */

/**
 * What to run.
 *
 * @example
 * ```ts
 * const spec: DockerServingSpec = { modelPath: '/srv/models/half', modelName: 'half', tag: '2.18.0' };
 * ```
 */
export interface DockerServingSpec {
  /** Absolute model base path on the Docker host (numbered version folders inside). */
  readonly modelPath: string;
  readonly modelName: string;
  /** Host port for REST (container 8501); default 8501, 0 lets Docker pick. */
  readonly restApiPort?: number;
  /** Host port for gRPC (container 8500); default 8500, 0 lets Docker pick. */
  readonly grpcPort?: number;
  /** Host address the ports bind (default: every interface, as `-p 8501:8501` does). */
  readonly host?: string;
  /** Image (default `tensorflow/serving`). */
  readonly image?: string;
  /** Image tag, e.g. `2.18.0` or `latest-gpu` (default: none, i.e. `latest`). */
  readonly tag?: string;
  /** `--gpus` value (e.g. `all`) for the GPU image. */
  readonly gpus?: string;
  /** Container name of a detached deployment (default `tfscale-<modelName>`). */
  readonly containerName?: string;
  /** Model server flags after the image, e.g. `['--enable_batching']`. */
  readonly serverArgs?: readonly string[];
}

/**
 * TF Serving's gRPC port inside the container.
 *
 * @example
 * ```ts
 * `docker port tfscale-half ${CONTAINER_GRPC_PORT}/tcp`;
 * ```
 */
export const CONTAINER_GRPC_PORT = 8500;

/**
 * TF Serving's REST port inside the container.
 *
 * @example
 * ```ts
 * `docker port tfscale-half ${CONTAINER_REST_PORT}/tcp`;
 * ```
 */
export const CONTAINER_REST_PORT = 8501;

/**
 * `tfscale-<name>`, with characters Docker refuses in names replaced.
 *
 * @example
 * ```ts
 * defaultContainerName('mnist v2'); // 'tfscale-mnist_v2'
 * ```
 */
export function defaultContainerName(modelName: string): string {
  return `tfscale-${modelName.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}

function publish(host: string | undefined, hostPort: number, containerPort: number): string {
  // Port 0: Docker picks a free host port (`-p 8501`, or `-p 127.0.0.1::8501` with an address).
  if (hostPort === 0) return host ? `${host}::${containerPort}` : String(containerPort);
  return `${host ? `${host}:` : ''}${hostPort}:${containerPort}`;
}

/**
 * The `docker` arguments: `interactive` is the chapter's foreground command (`-it --rm`),
 * `detached` the deployment's (`-d --rm --name tfscale-<name>`).
 *
 * @example
 * ```ts
 * dockerRunArgs({ modelPath: '/m/half', modelName: 'half' }, 'interactive');
 * // ['run', '-it', '--rm', '-p', '8500:8500', '-p', '8501:8501', '-v', '/m/half:/models/half', '-e', 'MODEL_NAME=half', 'tensorflow/serving']
 * ```
 */
export function dockerRunArgs(spec: DockerServingSpec, mode: 'interactive' | 'detached'): string[] {
  const image = `${spec.image ?? 'tensorflow/serving'}${spec.tag ? `:${spec.tag}` : ''}`;
  return [
    'run',
    ...(mode === 'interactive' ? ['-it'] : ['-d']),
    '--rm',
    ...(mode === 'detached' ? ['--name', spec.containerName ?? defaultContainerName(spec.modelName)] : []),
    ...(spec.gpus ? ['--gpus', spec.gpus] : []),
    '-p',
    publish(spec.host, spec.grpcPort ?? CONTAINER_GRPC_PORT, CONTAINER_GRPC_PORT),
    '-p',
    publish(spec.host, spec.restApiPort ?? CONTAINER_REST_PORT, CONTAINER_REST_PORT),
    '-v',
    `${spec.modelPath}:/models/${spec.modelName}`,
    '-e',
    `MODEL_NAME=${spec.modelName}`,
    image,
    ...(spec.serverArgs ?? []),
  ];
}

/** POSIX-shell word: bare when safe, else double-quoted with `"`, `\`, `$` and backquote escaped. */
function shellWord(word: string, forceQuotes = false): string {
  if (!forceQuotes && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `"${word.replace(/["\\$`]/g, '\\$&')}"`;
}

/**
 * The command line to paste into a shell: `docker` plus {@link dockerRunArgs}, with the volume
 * quoted as the chapter writes it.
 *
 * @example
 * ```ts
 * formatDockerCommand(dockerRunArgs({ modelPath: '/m/half', modelName: 'half' }, 'interactive'));
 * // 'docker run -it --rm -p 8500:8500 -p 8501:8501 -v "/m/half:/models/half" -e MODEL_NAME=half tensorflow/serving'
 * ```
 */
export function formatDockerCommand(args: readonly string[]): string {
  return ['docker', ...args.map((a, i) => shellWord(a, args[i - 1] === '-v'))].join(' ');
}
