/**
 * The quickstart's last step: serve the exported model as TF Serving would (`tfscale serve`,
 * REST on 8501, gRPC on 8500, or free ports when those are taken) and print a curl line that
 * asks it about a real digit from the data set.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import {
  ConsoleLogger,
  createSdkContainer,
  type RunningModelServer,
  servingRuntimeRegistry,
  singleModelConfig,
  startModelServer,
} from '@tfscale/sdk';

const DIGITS = path.resolve(__dirname, '../../data/digits/digits.csv');

/** `port` if nothing listens on it on 127.0.0.1, else a free one. */
async function portOrFree(port: number): Promise<number> {
  const tryListen = (p: number) =>
    new Promise<number | undefined>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(undefined));
      probe.listen(p, '127.0.0.1', () => {
        const { port: got } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(got));
      });
    });
  return (await tryListen(port)) ?? (await tryListen(0))!;
}

/** The first digit of the data set as a predict body, and its label. */
export function sampleRequest(): { body: string; label: number } {
  const [header, first] = fs.readFileSync(DIGITS, 'utf8').split('\n', 2) as [string, string];
  const labelAt = header.split(',').indexOf('label');
  const values = first.split(',').map(Number);
  const label = values.splice(labelAt, 1)[0]!;
  return { body: JSON.stringify({ instances: [values] }), label };
}

/**
 * Serves `base` (a folder of numbered SavedModel versions) as model `name`; resolves once the
 * latest version is AVAILABLE, with the running server and the curl line to try.
 * @example
 *   const { server, curl } = await serveQuickstart('runs/quickstart/models/digits', 'digits');
 */
export async function serveQuickstart(
  base: string,
  name: string,
  ports: { rest?: number; grpc?: number } = {},
): Promise<{ server: RunningModelServer; curl: string; label: number }> {
  const restApiPort = await portOrFree(ports.rest ?? 8501);
  let grpcPort = await portOrFree(ports.grpc ?? 8500);
  if (grpcPort === restApiPort) grpcPort = await portOrFree(0);
  const server = await startModelServer({
    config: singleModelConfig(name, path.resolve(base)),
    runtimes: servingRuntimeRegistry(createSdkContainer()),
    host: '127.0.0.1',
    restApiPort,
    grpcPort,
    logger: new ConsoleLogger('warn', '[tfscale serve]'),
  });
  const { body, label } = sampleRequest();
  const url = `http://127.0.0.1:${server.rest!.port}/v1/models/${name}:predict`;
  return { server, curl: `curl -s -d '${body}' -X POST ${url}`, label };
}
