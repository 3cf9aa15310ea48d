/**
 * Hot reload under load: `tfscale serve` (a real child process) answers 64 concurrent REST clients
 * (autocannon) while 20 new versions and 2 corrupt ones are dropped into its base path. Each
 * version n is half_plus_n (y = 0.5·x + n), so every response names the version that computed it.
 */
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTf, writeSavedModel } from '@tfscale/sdk';

// autocannon ships no types; the part used here.
interface Cannon {
  stop(): void;
}
interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
}
const autocannon: (
  opts: Record<string, unknown>,
  done: (err: Error | null, result: CannonResult) => void,
) => Cannon = require('autocannon');

const CLI = path.resolve(__dirname, '../../packages/sdk/dist/cli/main.js');
const GOOD = 20;
const CORRUPT = new Set([9, 16]);
const X = 2;

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

async function halfPlus(bias: number, dir: string): Promise<void> {
  const tf = loadTf();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([bias])]);
  await writeSavedModel(model, dir);
  model.dispose();
}

interface VersionStatus {
  version: string;
  state: string;
  status: { error_code: string; error_message: string };
}

async function versions(port: number): Promise<VersionStatus[]> {
  const r = await fetch(`http://127.0.0.1:${port}/v1/models/m`).catch(() => undefined); // not listening yet
  if (r?.status !== 200) return [];
  return ((await r.json()) as { model_version_status: VersionStatus[] }).model_version_status;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('tfscale serve: hot reload under load', function () {
  this.timeout(300_000);
  let dir: string;
  let server: ChildProcess | undefined;
  let stderr = '';

  before(async function () {
    if (process.env.TFSCALE_SKIP_NATIVE === '1') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-hot-reload-'));
    fs.mkdirSync(path.join(dir, 'base'));
    fs.mkdirSync(path.join(dir, 'staged'));
    await halfPlus(1, path.join(dir, 'base', '1'));
    // Written ahead so each push is one rename, as a deploy script would do.
    for (let n = 2; n <= GOOD + 1 + CORRUPT.size; n++) {
      const staged = path.join(dir, 'staged', String(n));
      if (CORRUPT.has(n)) {
        fs.mkdirSync(path.join(staged, 'variables'), { recursive: true });
        fs.writeFileSync(path.join(staged, 'saved_model.pb'), 'not a protobuf');
      } else await halfPlus(n, staged);
    }
  });

  after(() => {
    server?.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers every request from an AVAILABLE version while 20 versions (and 2 corrupt ones) arrive', async () => {
    const port = await freePort();
    server = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--model_name=m',
        `--model_base_path=${path.join(dir, 'base')}`,
        `--rest_api_port=${port}`,
        '--port=0',
        '--file_system_poll_wait_seconds=0.1',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await until('version 1', async () => {
      if (server!.exitCode !== null) throw new Error(`tfscale serve exited: ${stderr}`);
      return (await versions(port))[0]?.state === 'AVAILABLE' ? true : undefined;
    });

    const seen: number[] = [];
    const perConnection = new Map<object, number[]>();
    const bad: string[] = [];
    const available = new Set<number>([1]);
    let cannon: Cannon | undefined;
    const loaded = new Promise<CannonResult>((resolve, reject) => {
      cannon = autocannon(
        {
          url: `http://127.0.0.1:${port}/v1/models/m:predict`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections: 64,
          duration: 600,
          requests: [
            {
              body: JSON.stringify({ instances: [[X]] }),
              onResponse: (status: number, body: string, context: object) => {
                if (status !== 200) return void bad.push(`${status} ${body}`);
                const y = (JSON.parse(body) as { predictions: number[][] }).predictions[0]![0]!;
                const version = Math.round(y - 0.5 * X);
                seen.push(version);
                const list = perConnection.get(context) ?? [];
                list.push(version);
                perConnection.set(context, list);
              },
            },
          ],
        },
        (err, result) => (err ? reject(err) : resolve(result)),
      );
    });

    const failedVersions: VersionStatus[] = [];
    for (let n = 2; n <= GOOD + 1 + CORRUPT.size; n++) {
      const before = seen.length;
      // A few hundred responses between pushes, so every version serves under load.
      await until('traffic', async () => (seen.length >= before + 200 ? true : undefined));
      fs.renameSync(path.join(dir, 'staged', String(n)), path.join(dir, 'base', String(n)));
      if (CORRUPT.has(n)) {
        const failed = await until(`version ${n} failing`, async () =>
          (await versions(port)).find((v) => v.version === String(n) && v.status.error_code !== 'OK'),
        );
        failedVersions.push(failed);
      } else {
        await until(`version ${n}`, async () =>
          (await versions(port)).some((v) => v.version === String(n) && v.state === 'AVAILABLE') ? true : undefined,
        );
        available.add(n);
      }
    }
    const last = GOOD + 1 + CORRUPT.size;
    await until('traffic on the last version', async () =>
      seen.slice(-200).every((v) => v === last) ? true : undefined,
    );
    cannon!.stop();
    const result = await loaded;

    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} failed responses`);
    assert.equal(result.errors, 0, 'connection errors');
    assert.equal(result.timeouts, 0, 'timeouts');
    assert.equal(result.non2xx, 0, 'non-2xx responses');
    assert.ok(seen.length > 20 * 200, `only ${seen.length} responses`);
    const servedBy = new Set(seen);
    for (const v of servedBy) assert.ok(available.has(v), `a response came from version ${v}, never AVAILABLE`);
    for (const n of CORRUPT) assert.ok(!servedBy.has(n), `corrupt version ${n} answered`);
    assert.equal(servedBy.size, GOOD + 1, 'every good version served traffic');
    // A client's next request never goes back to a version older than one it already got.
    for (const list of perConnection.values())
      for (let i = 1; i < list.length; i++) assert.ok(list[i]! >= list[i - 1]!, `connection went ${list.join(',')}`);
    for (const f of failedVersions) assert.match(f.status.error_message, /saved_model|protobuf|parse|load/i);

    server!.kill('SIGTERM');
    const [code] = await once(server!, 'exit');
    assert.equal(code, 0, stderr);
    server = undefined;
  });
});
