/**
 * Serving, the chapter's way: two exported versions served by `tfscale serve --model_config_file
 * models.config` (TF Serving's flags and APIs) in a child process; REST predict with fetch and with
 * the printed curl line; a gRPC client (Predict with tensor_content, GetModelMetadata); version
 * labels (`stable`, `canary`); a new version pushed into the base path and picked up while
 * serving; SIGTERM drains and exits 0. Every answer is checked against the checkpoint it was
 * exported from, run locally in TF.js.
 *
 *   npm run build && node examples/dist/serving/run.js
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import { BackendRegistryToken, createSdkContainer, loadTf, selectBackend, tfjsFolder } from '@tfscale/sdk';
import { TFSCALE, tfscale } from '../support/cli';
import { digitRows, maxAbsDiff } from '../support/digits';
import { servingClient } from './grpc-client';

const HERE = path.resolve(__dirname, '../../serving');
const OUT = path.resolve(__dirname, '../../../runs/serving');
const BASE = path.join(OUT, 'models', 'digits');

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `tfscale serve ...` as a child; resolves once both APIs listen. */
async function startServer(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  console.log(`$ npx tfscale serve ${args.join(' ')} &`);
  const child = spawn(process.execPath, [TFSCALE, 'serve', ...args], { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (/^gRPC API listening/m.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tfscale serve exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, output: () => output };
}

async function rest(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Until `version` of the model is AVAILABLE (the server polls the base path every second). */
async function waitAvailable(statusUrl: string, version: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await rest(statusUrl)).model_version_status as { version: string; state: string }[];
    if (status.some((s) => s.version === String(version) && s.state === 'AVAILABLE')) return;
    if (Date.now() > deadline) throw new Error(`version ${version} not AVAILABLE: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Trains 3 epochs (one checkpoint each: three different models), serves, asks, swaps, stops. */
export async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const ckpt = (epoch: number) => path.join(OUT, 'checkpoints', `ckpt-0${epoch}`);
  tfscale(['train', path.join(HERE, 'tfscale.json'), '--checkpoint-dir', path.dirname(ckpt(1)), '--fresh', '--quiet']);
  for (const v of [1, 2]) tfscale(['export', ckpt(v), '--format', 'savedmodel', '--out', BASE, '--version', String(v)]);

  // What each version must answer: its checkpoint, run here in TF.js.
  await selectBackend(createSdkContainer().resolve(BackendRegistryToken));
  const tf = loadTf();
  const { x } = digitRows(4);
  const local: Record<number, number[][]> = {};
  for (const v of [1, 2, 3]) {
    const m = await tf.loadLayersModel(tfjsFolder(ckpt(v)));
    local[v] = (m.predict(tf.tensor2d(x)) as Tensor).arraySync() as number[][];
  }
  const diff = (served: unknown, v: number) => maxAbsDiff(served as number[][], local[v]!);

  const [restPort, grpcPort] = [await freePort(), await freePort()];
  const { child, output } = await startServer([
    '--model_config_file',
    'models.config',
    '--allow_version_labels_for_unavailable_models',
    '--rest_api_port',
    String(restPort),
    '--port',
    String(grpcPort),
  ]);
  const api = `http://127.0.0.1:${restPort}/v1/models/digits`;
  try {
    await waitAvailable(api, 2);
    const results: Record<string, number> = {};
    // REST with fetch: no version given, so the latest (2).
    results['REST latest = v2'] = diff((await rest(`${api}:predict`, { instances: x })).predictions, 2);
    results['REST /versions/1 = v1'] = diff((await rest(`${api}/versions/1:predict`, { instances: x })).predictions, 1);
    results['REST /labels/stable = v1'] = diff(
      (await rest(`${api}/labels/stable:predict`, { instances: x })).predictions,
      1,
    );

    // The curl line a user would paste, run through sh.
    const curl = `curl -s -X POST -d '${JSON.stringify({ instances: x.slice(0, 1) })}' ${api}/labels/canary:predict`;
    console.log(`$ ${curl.length > 120 ? `${curl.slice(0, 60)}…${curl.slice(-60)}` : curl}`);
    const curlAnswer = JSON.parse(execFileSync('sh', ['-c', curl], { encoding: 'utf8' }));
    results['curl /labels/canary = v2'] =
      diff(curlAnswer.predictions, 2) + (curlAnswer.predictions.length === 1 ? 0 : 1);

    // gRPC: the signature from GetModelMetadata, then Predict with tensor_content.
    const grpcClient = servingClient(grpcPort);
    const meta = await grpcClient.metadata('digits');
    const sig = meta.signatures.serving_default!;
    const [inputKey] = Object.keys(sig.inputs) as [string];
    const [outputKey] = Object.keys(sig.outputs) as [string];
    console.log(`gRPC GetModelMetadata: version ${meta.version}, serving_default ${JSON.stringify(sig)}`);
    const g = await grpcClient.predict('digits', inputKey, x);
    results['gRPC latest = v2'] = diff(g.outputs[outputKey], 2);
    const gl = await grpcClient.predict('digits', inputKey, x, { label: 'stable' });
    results['gRPC label stable = v1'] = diff(gl.outputs[outputKey], 1);

    // Version swap: push version 3 into the base path; the server loads it and latest moves.
    // Exported beside the base path, then moved in with one rename: the server never sees half a version.
    const staging = path.join(OUT, 'staging');
    tfscale(['export', ckpt(3), '--format', 'savedmodel', '--out', staging, '--version', '3']);
    fs.renameSync(path.join(staging, '3'), path.join(BASE, '3'));
    const swapStart = Date.now();
    await waitAvailable(api, 3);
    const swapMs = Date.now() - swapStart;
    console.log(`version 3 AVAILABLE ${swapMs} ms after the export`);
    results['REST latest after push = v3'] = diff((await rest(`${api}:predict`, { instances: x })).predictions, 3);
    const g3 = await grpcClient.predict('digits', inputKey, x);
    results['gRPC latest after push = v3'] = diff(g3.outputs[outputKey], 3) + (g3.version === 3 ? 0 : 1);
    grpcClient.close();
    const status = (await rest(api)).model_version_status;
    console.table(results);
    const versionGap = maxAbsDiff(local[3]!, local[2]!);
    console.log(`(versions 2 and 3 differ by up to ${versionGap.toFixed(3)}: the swap is visible)`);

    child.kill('SIGTERM');
    const exitCode = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
    );
    console.log(`SIGTERM: tfscale serve exited ${exitCode}`);
    return { results, versionGap, status, metadata: meta, exitCode, swapMs, serverOutput: output() };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

if (require.main === module)
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
