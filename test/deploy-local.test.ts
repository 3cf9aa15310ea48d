/**
 * The `local` deployer with real processes: a detached `tfscale serve` that outlives the caller
 * that started it, is found again by a later caller (same pid, no second server), reports a crash
 * (kill -9) as `failed`, stops cleanly (process gone, port free, record removed), and leaves
 * nothing behind when it cannot start. Predictions are checked against the tfjs model that was
 * exported.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  isTfscaleError,
  LocalDeployer,
  type LocalDeployment,
  listLocalDeployments,
  loadTf,
  localDeployerFactory,
  SDK_VERSION,
  writeSavedModel,
} from '@tfscale/sdk';
import { describeDeployerConformance } from '@tfscale/sdk/testing';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');
const skipNative = process.env.TFSCALE_SKIP_NATIVE === '1';

/** Dense(1) with kernel 0.5 and bias 2 (TF Serving's half_plus_two), exported as version 1 of `base`. */
async function exportHalfPlusTwo(base: string): Promise<(xs: number[]) => Promise<number[]>> {
  const tf = loadTf();
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
  model.setWeights([tf.tensor2d([[0.5]]), tf.tensor1d([2])]);
  await writeSavedModel(model, path.join(base, '1'));
  // The exported model's own predictions: what the server must answer.
  return async (xs) => {
    const out = model.predict(tf.tensor2d(xs, [xs.length, 1])) as import('@tensorflow/tfjs').Tensor;
    const values = Array.from(await out.data());
    out.dispose();
    return values;
  };
}

/** Pids of `tfscale serve` processes serving `base` (from /proc: every one, not only our children). */
function servePids(base: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const at = argv.indexOf('--model_base_path');
    if (argv.includes('serve') && at >= 0 && argv[at + 1] === base) pids.push(Number(entry));
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function predict(url: string, name: string, xs: number[]): Promise<number[]> {
  const response = await fetch(`${url}/v1/models/${name}:predict`, {
    method: 'POST',
    body: JSON.stringify({ instances: xs.map((x) => [x]) }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { predictions: number[][] }).predictions.map((p) => p[0]);
}

const records = (stateDir: string) =>
  fs.existsSync(stateDir) ? fs.readdirSync(stateDir).filter((f) => f.endsWith('.json')) : [];

describe('local deployer (detached tfscale serve)', function () {
  this.timeout(180_000);
  const xs = [1, 3, -4.5];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-deploy-local-'));
  const base = path.join(dir, 'half');
  const stateDir = path.join(dir, 'state');
  let reference: (xs: number[]) => Promise<number[]>;
  let expected: number[];

  before(async function () {
    if (skipNative || process.platform !== 'linux') this.skip();
    reference = await exportHalfPlusTwo(base);
    expected = await reference(xs);
  });

  after(async () => {
    // Never leak a server, whatever failed.
    for (const d of listLocalDeployments({ stateDir })) await d.stop();
    for (const d of listLocalDeployments({ stateDir: path.join(dir, 'cli-state', 'deployments') })) await d.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describeDeployerConformance('local', () => localDeployerFactory, {
    options: { restApiPort: 0, grpcPort: 0, stateDir },
    makeSpec: () => ({ modelPath: base, modelName: 'half' }),
  });

  it('outlives the caller that started it; a fresh deployer attaches (same pid, one server); stop ends it', async () => {
    // The first caller is its own process, which exits right after deploying.
    const script = `require(${JSON.stringify(path.join(repo, 'packages/sdk/dist'))}).localDeployerFactory(
      { restApiPort: 0, grpcPort: 0, stateDir: ${JSON.stringify(stateDir)} }, { logger: console })
      .deploy({ modelPath: ${JSON.stringify(base)}, modelName: 'half' })
      .then((d) => console.log(JSON.stringify({ pid: d.pid, url: d.url, started: d.started })))`;
    const caller = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(caller.status, 0, caller.stderr);
    const first = JSON.parse(caller.stdout.trim().split('\n').at(-1) as string);
    assert.equal(first.started, true);
    assert.ok(alive(first.pid), 'the server died with its caller');
    assert.deepEqual(await predict(first.url, 'half', xs), expected);

    const deployment: LocalDeployment = await new LocalDeployer({ restApiPort: 0, grpcPort: 0, stateDir }).deploy({
      modelPath: base,
      modelName: 'half',
    });
    assert.equal(deployment.started, false);
    assert.equal(deployment.pid, first.pid);
    // The record a restarted caller found: beside the server's log, which is the server's own.
    assert.equal(deployment.record.serverVersion, SDK_VERSION);
    assert.ok(Date.now() - Date.parse(deployment.record.startedAt) < 120_000);
    assert.equal(path.dirname(deployment.record.logFile), stateDir);
    assert.match(fs.readFileSync(deployment.record.logFile, 'utf8'), /REST API listening on/);
    // Detached: the server leads its own process group (and session), apart from its first caller.
    const stat = fs.readFileSync(`/proc/${first.pid}/stat`, 'utf8');
    const [, , pgrp, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.deepEqual([Number(pgrp), Number(session)], [first.pid, first.pid]);
    assert.equal(deployment.url, first.url);
    assert.deepEqual(servePids(base), [first.pid]);
    assert.deepEqual(await deployment.status(), { state: 'ready' });
    assert.deepEqual(await predict(deployment.url, 'half', xs), expected);
    const grpcPort = Number(deployment.grpcAddress.split(':').at(-1));
    assert.equal(await portFree(grpcPort), false, 'gRPC port not listening');

    const restPort = Number(new URL(deployment.url).port);
    await deployment.stop();
    assert.equal(alive(first.pid), false);
    assert.deepEqual(servePids(base), []);
    assert.equal(await portFree(restPort), true);
    assert.equal(await portFree(grpcPort), true);
    assert.deepEqual(records(stateDir), []);
    assert.equal((await deployment.status()).state, 'stopped');
    await deployment.stop(); // idempotent
  });

  it('two callers deploying the same model at once start one server', async () => {
    const make = () => new LocalDeployer({ restApiPort: 0, grpcPort: 0, stateDir });
    const [a, b] = await Promise.all([
      make().deploy({ modelPath: base, modelName: 'half' }),
      make().deploy({ modelPath: base, modelName: 'half' }),
    ]);
    assert.equal(a.pid, b.pid);
    assert.deepEqual([a.started, b.started].sort(), [false, true]);
    assert.deepEqual(servePids(base), [a.pid]);
    await a.stop();
    assert.equal((await b.status()).state, 'stopped');
  });

  it('kill -9 of the server: status() says failed and why; the next deploy replaces the stale record', async () => {
    const deployer = new LocalDeployer({ restApiPort: 0, grpcPort: 0, stateDir });
    const deployment = await deployer.deploy({ modelPath: base, modelName: 'half' });
    process.kill(deployment.pid, 'SIGKILL');
    // Wait for the kernel to report it gone, then ask the deployment.
    for (let i = 0; i < 200 && alive(deployment.pid); i++) await new Promise((r) => setTimeout(r, 10));
    const status = await deployment.status();
    assert.equal(status.state, 'failed');
    assert.match(status.message ?? '', new RegExp(`pid ${deployment.pid}\\) exited`));
    assert.match(status.message ?? '', /SIGKILL/);
    // A second handle (no exit event: not its child) sees the same from the process table.
    const other = await deployer.attach({ modelPath: base, modelName: 'half' });
    assert.equal((await other?.status())?.state, 'failed');

    const replaced = await deployer.deploy({ modelPath: base, modelName: 'half' });
    assert.equal(replaced.started, true);
    assert.notEqual(replaced.pid, deployment.pid);
    assert.deepEqual(await predict(replaced.url, 'half', xs), expected);
    assert.equal((await deployment.status()).state, 'stopped');
    await replaced.stop();
    assert.deepEqual(records(stateDir), []);
  });

  it('a bad model path is a clear error and leaves no record', async () => {
    const deployer = new LocalDeployer({ restApiPort: 0, grpcPort: 0, stateDir });
    for (const bad of [path.join(dir, 'missing'), path.join(base, '1', 'saved_model.pb'), dir]) {
      await assert.rejects(deployer.deploy({ modelPath: bad, modelName: 'm' }), (err: unknown) => {
        assert.ok(isTfscaleError(err, 'TFSCALE_E_INVALID_VALUE'), String(err));
        assert.match(err.message, /Invalid value for `modelPath`.*numbered version folders/);
        return true;
      });
    }
    assert.deepEqual(records(stateDir), []);
  });

  it('a model that fails to load: coded error with the server output, no record, no process', async () => {
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(path.join(broken, '1'), { recursive: true });
    fs.writeFileSync(path.join(broken, '1', 'saved_model.pb'), 'not a protobuf');
    const deployer = new LocalDeployer({ restApiPort: 0, grpcPort: 0, stateDir });
    await assert.rejects(deployer.deploy({ modelPath: broken, modelName: 'broken' }), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_DEPLOY_START_FAILED'), String(err));
      assert.match(err.message, /Server output \(last lines\):\n[\s\S]*saved_model\.pb/);
      return true;
    });
    assert.deepEqual(records(stateDir), []);
    assert.deepEqual(servePids(broken), []);
  });

  it('a REST port in use: coded error naming EADDRINUSE, no record, no process', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const busy = (holder.address() as net.AddressInfo).port;
    try {
      const deployer = new LocalDeployer({ restApiPort: busy, grpcPort: 0, stateDir });
      await assert.rejects(deployer.deploy({ modelPath: base, modelName: 'half' }), (err: unknown) => {
        assert.ok(isTfscaleError(err, 'TFSCALE_E_DEPLOY_START_FAILED'), String(err));
        assert.match(err.message, new RegExp(`EADDRINUSE.*${busy}`));
        assert.match(err.message, /HINT: a port is in use/);
        return true;
      });
    } finally {
      holder.close();
    }
    assert.deepEqual(records(stateDir), []);
    assert.deepEqual(servePids(base), []);
  });

  it('tfscale deploy: prints a URL and a curl line that works, --list shows it, --stop ends it', async () => {
    const env = { ...process.env, TFSCALE_STATE_DIR: path.join(dir, 'cli-state') };
    const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, cwd: dir });
    const up = run(['deploy', base, '--rest_api_port', '0', '--port', '0']);
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, /^Deployed half \(target local, started pid \d+\)$/m);
    const curl = up.stdout.match(/^try: {2}(curl .*)$/m)?.[1];
    assert.ok(curl, up.stdout);
    const answer = spawnSync('sh', ['-c', `${curl} --silent --show-error`], { encoding: 'utf8' });
    assert.equal(answer.status, 0, answer.stderr);
    const sent = JSON.parse(curl.match(/-d '([^']*)'/)?.[1] as string) as { instances: number[][] };
    const got = (JSON.parse(answer.stdout) as { predictions: number[][] }).predictions.map((p) => p[0]);
    assert.deepEqual(got, await reference(sent.instances.map((i) => i[0])));

    const list = run(['deploy', '--list']);
    assert.match(list.stdout, new RegExp(`^ready\\s+\\d+\\s+half\\s+http://127\\.0\\.0\\.1:\\d+\\s+${base}`, 'm'));
    const stop = up.stdout.match(/^stop: (tfscale deploy --stop .*)$/m)?.[1];
    assert.ok(stop);
    const down = run(stop.replace(/^tfscale /, '').split(' '));
    assert.equal(down.status, 0, down.stderr);
    assert.match(down.stdout, /^Stopped half \(pid \d+\)\.$/m);
    assert.match(run(['deploy', '--list']).stdout, /^No local deployments/);
  });

  it('tfscale deploy --target <plugin target not installed>: coded error with installed targets and the package', () => {
    const r = spawnSync(process.execPath, [cli, 'deploy', base, '--target', 'docker'], { encoding: 'utf8', cwd: dir });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^TFSCALE_E_REGISTRY_UNKNOWN: The "docker" deployer is not installed\. Installed targets: "local"\./,
    );
    assert.match(r.stderr, /HINT: npm install @tfscale\/plugin-deploy-docker/);
    const typo = spawnSync(process.execPath, [cli, 'deploy', base, '--target', 'locl'], { encoding: 'utf8', cwd: dir });
    assert.match(typo.stderr, /Unknown deploy target "locl".*\nHINT: Did you mean "local"\?/);
  });
});
