import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deployer, Deployment, DeploySpec } from '../../deploy/deployer';
import { describeDeployerConformance } from './deployer-conformance';

/** A real minimal deployer: an HTTP server answering TF Serving's model status route. */
class TinyHttpDeployer implements Deployer {
  readonly target = 'tiny-http';

  async deploy(spec: DeploySpec): Promise<Deployment> {
    const server = http.createServer((req, res) => {
      const ok = req.url === `/v1/models/${spec.modelName}`;
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(ok ? { model_version_status: [{ version: '1', state: 'AVAILABLE' }] } : { error: 'not found' }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    let stopped = false;
    return {
      url: `http://127.0.0.1:${port}`,
      status: async () => ({ state: stopped ? 'stopped' : 'ready' }),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      },
    };
  }
}

const spec: DeploySpec = { modelPath: '/models/tiny', modelName: 'tiny' };

describeDeployerConformance('tiny-http (in-test)', () => () => new TinyHttpDeployer(), { makeSpec: () => spec });

describe('deployer conformance (in-test tiny-http)', () => {
  it('the in-test deployer really serves the model status route', async () => {
    const deployment = await new TinyHttpDeployer().deploy(spec);
    try {
      const response = await fetch(`${deployment.url}/v1/models/tiny`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { model_version_status: [{ version: '1', state: 'AVAILABLE' }] });
    } finally {
      await deployment.stop();
    }
  });
});
