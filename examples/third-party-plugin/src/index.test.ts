/**
 * The plugin as tfscale loads it: the SDK's callback conformance suite, then the messages a real
 * local HTTP server receives, and the errors bad options get.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallbackRegistryToken, createSdkContainer, isTfscaleError, loadPlugins } from '@tfscale/sdk';
import { describeCallbackConformance } from '@tfscale/sdk/testing';
import plugin, { PLUGIN_VERSION, type WebhookMessage } from './index';

async function webhookFactory() {
  const container = createSdkContainer();
  await loadPlugins([plugin], container); // exactly what discovery does
  return container.resolve(CallbackRegistryToken).get('webhook');
}

// Port 9 (discard) refuses connections: the hooks must warn and let training go on.
describeCallbackConformance('webhook', webhookFactory, { options: { url: 'http://127.0.0.1:9/metrics' } });

describe('webhook callback', () => {
  let server: http.Server;
  let url: string;
  const received: WebhookMessage[] = [];
  let status = 200;

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ctx = () => ({ logger: { warn: () => {} } }) as never;

  it('posts train_begin, one epoch_end per epoch with its metrics, and train_end', async () => {
    received.length = 0;
    const cb = await (await webhookFactory())({ url, run: 'r1' }, ctx());
    await cb.onTrainBegin?.({});
    await cb.onEpochEnd?.(0, { loss: 0.5, val_loss: 0.6 });
    await cb.onEpochEnd?.(1, { loss: 0.25, val_loss: 0.4 });
    await cb.onTrainEnd?.({ loss: 0.25 });
    assert.deepEqual(
      received.map((m) => [m.event, m.epoch, m.logs.loss, m.run]),
      [
        ['train_begin', undefined, undefined, 'r1'],
        ['epoch_end', 0, 0.5, 'r1'],
        ['epoch_end', 1, 0.25, 'r1'],
        ['train_end', undefined, 0.25, 'r1'],
      ],
    );
  });

  it('fails the hook on a non-2xx answer only with failOnError', async () => {
    status = 500;
    try {
      const make = await webhookFactory();
      await (await make({ url }, ctx())).onEpochEnd?.(0, {});
      await assert.rejects(async () => (await make({ url, failOnError: true }, ctx())).onEpochEnd?.(0, {}), /HTTP 500/);
    } finally {
      status = 200;
    }
  });

  it('refuses bad options with a coded error naming the option', async () => {
    const make = await webhookFactory();
    for (const [options, name] of [
      [{}, 'url'],
      [{ url: 'ftp://x' }, 'url'],
      [{ url, timeoutMs: -1 }, 'timeoutMs'],
      [{ url, headers: { a: 1 } }, 'headers'],
    ] as const) {
      assert.throws(
        () => make(options, ctx()),
        (err: unknown) => isTfscaleError(err) && err.code === 'TFSCALE_E_INVALID_VALUE' && err.message.includes(name),
      );
    }
  });

  it('keeps PLUGIN_VERSION equal to package.json', () => {
    assert.equal(PLUGIN_VERSION, require('../package.json').version);
  });
});
