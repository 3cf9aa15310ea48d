/**
 * The `browser` deployer: a TF.js export becomes a static page that predicts in the browser,
 * served on this machine (127.0.0.1) until stopped.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import {
  type Deployer,
  type DeployerFactory,
  type Deployment,
  type DeploymentStatus,
  type DeploySpec,
  invalidValue,
  type Logger,
} from '@tfscale/sdk';
import { findTfjsModel } from './find-tfjs-model';
import { PAGE_CSP, writeSite } from './site';
import { type StaticServer, serveStatic } from './static-server';

/**
 * Options, from the factory or `DeploySpec.options` (the spec wins), as values or the strings
 * `tfscale deploy --option` passes.
 *
 * @example
 * ```ts
 * const options: BrowserDeployerOptions = { out: 'site', restApiPort: 0, open: false };
 * ```
 */
export interface BrowserDeployerOptions {
  /** Folder of the site (default `./deploy/browser/<modelName>`). */
  readonly out?: string;
  /** Port to serve on (default 0: a free one). */
  readonly restApiPort?: number;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Open the page in the default browser (xdg-open / open / start). */
  readonly open?: boolean;
}

/**
 * The served page. `status()` is `ready` while the server listens; `stop()` closes it
 * (idempotent) and keeps the files, which work from any static host.
 *
 * @example
 * ```ts
 * const page = await new BrowserDeployer().deploy({ modelPath: 'models/mnist', modelName: 'mnist' });
 * console.log(page.url); await page.stop();
 * ```
 */
export class BrowserDeployment implements Deployment {
  readonly url: string;
  readonly notes: readonly string[];
  readonly urlKind = 'page';
  readonly inProcess = true;

  constructor(
    private readonly server: StaticServer,
    readonly siteDir: string,
    modelDir: string,
  ) {
    this.url = server.url;
    this.notes = [
      `Site: ${siteDir} (model from ${modelDir}); any static host can serve it.`,
      'The page runs the model in the browser; nothing is sent to a server.',
    ];
  }

  async status(): Promise<DeploymentStatus> {
    return this.server.listening
      ? { state: 'ready', message: `serving ${this.siteDir} at ${this.url}` }
      : { state: 'stopped', message: `site kept at ${this.siteDir}` };
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}

/**
 * Writes the site (model files, bundled TF.js, a form built from the model's inputs) and serves
 * it on 127.0.0.1.
 *
 * @example
 * ```ts
 * const deployment = await new BrowserDeployer({ open: true }).deploy({ modelPath: 'models/mnist', modelName: 'mnist' });
 * ```
 */
export class BrowserDeployer implements Deployer {
  readonly target = 'browser';

  constructor(
    private readonly options: Readonly<Record<string, unknown>> = {},
    private readonly logger?: Logger,
  ) {}

  async deploy(spec: DeploySpec): Promise<BrowserDeployment> {
    const o = { ...this.options, ...spec.options };
    if (typeof spec.modelName !== 'string' || !/^[^\s/\\?#]+$/.test(spec.modelName)) {
      throw invalidValue('modelName', spec.modelName, 'a non-empty name without spaces, slashes, ? or #');
    }
    const port = portOption(o.restApiPort);
    const host = o.host === undefined ? '127.0.0.1' : String(o.host);
    const open = o.open === true || o.open === 'true';
    if (o.out !== undefined && (typeof o.out !== 'string' || o.out === '')) {
      throw invalidValue('out', o.out, 'a folder path');
    }
    const model = findTfjsModel(spec.modelPath);
    const out = path.resolve((o.out as string | undefined) ?? path.join('deploy', 'browser', spec.modelName));
    if (out === model.dir || model.dir.startsWith(out + path.sep)) {
      throw invalidValue('out', out, 'a folder outside the model export (the site replaces its model/ folder)');
    }
    await writeSite({ modelDir: model.dir, modelName: spec.modelName, out });
    const server = await serveStatic(out, { host, port, headers: { 'Content-Security-Policy': PAGE_CSP } });
    const deployment = new BrowserDeployment(server, out, model.dir);
    if (open) openBrowser(deployment.url, this.logger);
    return deployment;
  }
}

function portOption(value: unknown): number {
  if (value === undefined) return 0;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw invalidValue('restApiPort', value, 'an integer port in [0, 65535] (0 picks a free port)');
  }
  return n;
}

/** Opens `url` in the default browser; a failure is only logged (the URL is printed anyway). */
function openBrowser(url: string, logger?: Logger): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', (err) =>
    logger?.warn(`Could not open a browser (${command}): ${err.message}. Open ${url} yourself.`),
  );
  child.unref();
}

/**
 * The factory registered as `browser`.
 *
 * @example
 * ```ts
 * ctx.registries.deployer.register('browser', browserDeployerFactory);
 * ```
 */
export const browserDeployerFactory: DeployerFactory = (options, ctx) => new BrowserDeployer(options, ctx.logger);
