import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');

function tfscale(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('tfscale CLI', function () {
  this.timeout(60_000);

  it('--version prints the SDK version', () => {
    const r = tfscale(['--version']);
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'packages/sdk/package.json'), 'utf8'));
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('doctor --json: the native backend computes, on TensorFlow 2.21, with devices listed', function () {
    if (process.env.TFSCALE_SKIP_NATIVE === '1') this.skip();
    const r = tfscale(['doctor', '--json'], { TFSCALE_BACKEND: '' });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.backend.selected, 'native');
    assert.match(report.backend.tensorflow, /^2\.21\./);
    assert.equal(report.backend.check, 'matMul ok');
    assert.equal(report.backend.notice, undefined);
    assert.deepEqual(
      report.backend.candidates.map((c: { name: string }) => c.name),
      ['native-gpu', 'native', 'wasm', 'cpu'],
    );
    assert.ok(report.devices.cpu.cores >= 1);
    assert.equal(report.devices.devices[0].id, 'cpu');
  });

  it('doctor renders a readable report', () => {
    const r = tfscale(['doctor']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^sdk\s+@tfscale\/sdk \d+\.\d+\.\d+ on Node v\d+/m);
    assert.match(r.stdout, /^backend\s+\S+.*\(matMul ok\)$/m);
    assert.match(r.stdout, /^devices\s+cpu\s+CPU /m);
  });

  it('TFSCALE_BACKEND=wasm forces the WASM backend', () => {
    const report = JSON.parse(tfscale(['doctor', '--json'], { TFSCALE_BACKEND: 'wasm' }).stdout);
    assert.equal(report.backend.selected, 'wasm');
    assert.equal(report.backend.check, 'matMul ok');
  });

  it('an unknown TFSCALE_BACKEND is reported with the names that exist', () => {
    const r = tfscale(['doctor', '--json'], { TFSCALE_BACKEND: 'natve' });
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.backend.selected, undefined);
    assert.match(report.backend.error, /natve/);
    assert.match(report.backend.error, /native-gpu, native, wasm, cpu|native/);
    assert.match(report.backend.error, /Did you mean .*native/i);
  });

  it('a pipeline file that does not exist fails with a coded error and a hint, not a stack', () => {
    const r = tfscale(['pipeline', 'run', '/tmp/none.js']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^TFSCALE_E_CONFIG_NOT_FOUND: Pipeline file not found/);
    assert.match(r.stderr, /HINT: pass a .js file whose default export is definePipeline/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('serve --help shows TensorFlow Serving flag names', () => {
    const r = tfscale(['serve', '--help']);
    for (const flag of ['--model_name', '--model_base_path', '--rest_api_port', '--port'])
      assert.match(r.stdout, new RegExp(flag));
  });

  it('devices --json lists the CPU and says why there are no GPUs', () => {
    const r = tfscale(['devices', '--json'], { PATH: path.dirname(process.execPath) });
    const list = JSON.parse(r.stdout);
    assert.equal(list.devices[0].id, 'cpu');
    assert.equal(list.gpuQuery.available, false);
    assert.match(list.gpuQuery.reason, /nvidia-smi not found/);
  });

  it('plugins finds an installed plugin package and shows what it registered', () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-cli-'));
    const dest = path.join(project, 'node_modules', 'tfscale-plugin-hello');
    fs.cpSync(path.join(repo, 'test/fixtures/plugins/tfscale-plugin-hello'), dest, { recursive: true });
    const r = tfscale(['plugins', '--json', '--cwd', project]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const hello = out.found.find((p: { packageName: string }) => p.packageName === 'tfscale-plugin-hello');
    assert.equal(hello.loaded, true);
    assert.ok(
      out.points.callback.some((e: { name: string; plugin?: string }) => e.name === 'hello' && e.plugin === hello.name),
    );
    assert.ok(out.points.backend.some((e: { name: string }) => e.name === 'native'));
  });
});
