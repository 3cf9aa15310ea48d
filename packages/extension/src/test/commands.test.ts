// The palette commands against a stubbed `vscode` API and the real workspace CLI: device picking
// (with a fake nvidia-smi listing eight A100s), a training run, export, one-click serving.
import './vscode-stub';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionState } from '../client/context';
import { exportModel, openTensorBoard, selectDevice, startRun } from '../client/run-commands';
import { RunStore } from '../client/run-store';
import { serveModel, stopServer, testRequest } from '../client/serve-commands';
import { modelNodes, runNodes, serverNodes } from '../client/view-models';
import { EXT_ROOT, makeWorkspace, REPO } from './fixtures';
import { stub } from './vscode-stub';

function makeState(folder: string): ExtensionState {
  return {
    extensionUri: vscode.Uri.file(EXT_ROOT),
    folder,
    sdk: undefined,
    output: vscode.window.createOutputChannel('tfscale'),
    runs: undefined,
    servers: undefined,
    status: vscode.window.createStatusBarItem(),
    serving: vscode.window.createStatusBarItem(),
    refreshViews: () => {},
  };
}

type Item = { label: string; description?: string; detail?: string };
const byLabel = (re: RegExp) => (items: Item[]) => items.find((i) => re.test(i.label));

describe('extension commands (stubbed vscode API, real tfscale CLI)', () => {
  const savedStateDir = process.env.TFSCALE_STATE_DIR;
  beforeEach(() => stub.reset());
  // Local deployments record themselves here, not in the user's cache.
  before(() => {
    process.env.TFSCALE_STATE_DIR = path.join(EXT_ROOT, 'test-output', 'unit', 'tfscale-state');
  });
  after(() => {
    if (savedStateDir === undefined) delete process.env.TFSCALE_STATE_DIR;
    else process.env.TFSCALE_STATE_DIR = savedStateDir;
  });

  it('says clearly when the workspace has no @tfscale/sdk', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-no-sdk-'));
    await selectDevice(makeState(empty));
    const error = stub.messages.find((m) => m.kind === 'error')?.text ?? '';
    assert.match(error, /@tfscale\/sdk is not installed/);
    assert.match(error, /npm i @tfscale\/sdk/);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('Select Device lists GPUs with memory and utilisation, refuses an unavailable backend, saves the choice', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-fake-smi-'));
    const fixture = path.join(REPO, 'packages/sdk/src/devices/fixtures/a100-sxm4-40gb-x8.csv');
    fs.writeFileSync(path.join(bin, 'nvidia-smi'), `#!/bin/sh\nexec cat '${fixture}'\n`, { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    try {
      const state = makeState(makeWorkspace('select-device'));
      let deviceItems: Item[] = [];
      let backendItems: Item[] = [];
      stub.picks.push(
        (items) => {
          deviceItems = items;
          return byLabel(/gpu:2/)(items);
        },
        (items) => {
          backendItems = items;
          return byLabel(/native-gpu/)(items);
        },
      );
      await selectDevice(state);
      // The rows are the fixture's GPUs as nvidia-smi reported them (index 2: 38121 of 40960 MiB, 98%).
      assert.equal(deviceItems.filter((i) => /gpu:\d/.test(i.label)).length, 8);
      const gpu2 = deviceItems.find((i) => /gpu:2/.test(i.label));
      assert.match(gpu2?.description ?? '', /NVIDIA A100-SXM4-40GB · 37\.2 GiB \/ 40\.0 GiB used · utilisation 98%/);
      assert.ok(deviceItems.some((i) => /cpu/.test(i.label) && /cores/.test(i.description ?? '')));
      // This machine has no NVIDIA driver: native-gpu is listed as unavailable with the reason, and refused.
      const nativeGpu = backendItems.find((i) => /native-gpu/.test(i.label));
      assert.equal(nativeGpu?.description, 'unavailable');
      assert.match(nativeGpu?.detail ?? '', /\S/);
      assert.match(stub.messages.at(-1)?.text ?? '', /Backend native-gpu is unavailable/);
      assert.equal(stub.config.size, 0, 'nothing saved after a refused pick');

      stub.picks.push(byLabel(/gpu:2/), byLabel(/wasm/));
      await selectDevice(state);
      assert.equal(stub.config.get('tfscale.device'), 'gpu:2');
      assert.equal(stub.config.get('tfscale.backend'), 'wasm');
      assert.equal(stub.configTargets.get('tfscale.device'), vscode.ConfigurationTarget.Workspace);
      assert.match(state.status.text, /gpu:2 · wasm/);
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('Start Training Run → Export Model → Serve Model → Send Test Request → Stop Server', async () => {
    const ws = makeWorkspace('commands');
    const state = makeState(ws);
    stub.files = [path.join(ws, 'quickstart', 'tfscale.json')];
    stub.config.set('tfscale.train.epochs', 2);
    stub.config.set('tfscale.train.openMetrics', false);
    stub.config.set('tfscale.serve.restPort', 0);
    stub.config.set('tfscale.serve.grpcPort', 0);
    const started = await startRun(state);
    assert.ok(started && state.runs);
    const done = await waitForRun(state, started.id);
    assert.equal(done, 'done', stub.output.join('\n'));
    assert.ok(stub.output.some((l) => l.startsWith('done: 2 epochs')));
    await waitUntil(() => stub.messages.some((m) => /digits finished/.test(m.text)));
    assert.ok(
      stub.progress.some((p) => /epoch 2\/2 · loss \d/.test(p.message ?? '')),
      JSON.stringify(stub.progress),
    );

    const base = await exportModel(state, started.id);
    assert.equal(base, path.join(ws, 'models', 'digits'));
    assert.ok(fs.existsSync(path.join(ws, 'models', 'digits', '1', 'saved_model.pb')));
    const run = runNodes(state.runs.store)[0];
    assert.equal(run?.icon, 'pass');
    assert.deepEqual(
      run?.children?.map((c) => c.label),
      ['Metrics', 'Log', 'Checkpoints (2)', 'Exports (1)'],
    );
    assert.deepEqual(
      modelNodes(state.runs.store, ws).map((m) => [m.label, m.children?.map((c) => c.label)]),
      [['digits', ['digits v1']]],
    );

    stub.picks.push((items) => items[0]); // "last export"
    const server = await serveModel(state);
    assert.equal(server?.via, 'deploy', 'the SDK has the local deployer');
    assert.ok(server && state.servers);
    assert.match(state.serving.text, new RegExp(`http://127\\.0\\.0\\.1:${server.restPort}/v1/models/digits`));
    assert.equal((await fetch(server.url)).status, 200);
    assert.match(serverNodes(state.servers.list())[0]?.description ?? '', /^serving · http/);
    assert.equal(await testRequest(state, server.id), 200);
    const answer = stub.output.find((l) => l.startsWith('200 '));
    const predictions = (JSON.parse(answer?.slice(4) ?? '{}') as { predictions: number[][] }).predictions;
    assert.equal(predictions[0]?.length, 10);
    assert.ok(Math.abs((predictions[0] ?? []).reduce((a, b) => a + b, 0) - 1) < 1e-4, 'softmax sums to 1');
    await stopServer(state, server.id);
    assert.equal(state.servers.list().length, 0);
    await assert.rejects(fetch(server.url));
  });

  it('Open TensorBoard explains how to get it when it is not on PATH', async () => {
    const state = makeState(makeWorkspace('tensorboard'));
    const savedPath = process.env.PATH;
    const ws = state.folder ?? '';
    // A run record is enough to pick; PATH without tensorboard.
    new RunStore(ws).write({
      id: 'x-1',
      name: 'x',
      runFile: path.join(ws, 'quickstart', 'tfscale.json'),
      startedAt: Date.now(),
      state: 'done',
      device: 'auto',
      backend: 'auto',
      exports: [],
    });
    process.env.PATH = path.dirname(process.execPath);
    try {
      await openTensorBoard(state, 'x-1');
    } finally {
      process.env.PATH = savedPath;
    }
    assert.match(stub.messages.at(-1)?.text ?? '', /`tensorboard` is not on PATH.*pip install tensorboard/);
  });
});

async function waitForRun(state: ExtensionState, id: string): Promise<string | undefined> {
  await waitUntil(() => state.runs?.store.read(id)?.state !== 'running', 90_000);
  return state.runs?.store.read(id)?.state;
}

async function waitUntil(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
