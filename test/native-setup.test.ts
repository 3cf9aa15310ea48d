import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'packages/sdk/scripts/setup-native.js');
const cli = path.join(repo, 'packages/sdk/dist/cli/main.js');

/** A project folder holding a copy of tfjs-node's package.json only: enough to be found, never built. */
function fakeProject(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-native-'));
  const pkg = path.join(root, 'node_modules/@tensorflow/tfjs-node');
  fs.mkdirSync(pkg, { recursive: true });
  fs.copyFileSync(path.join(repo, 'node_modules/@tensorflow/tfjs-node/package.json'), path.join(pkg, 'package.json'));
  return root;
}

function runSetup(root: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, TFSCALE_SKIP_NATIVE: '', TFSCALE_NATIVE_ROOT: root, ...env },
  });
  const record = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules/@tensorflow/tfjs-node/tfscale-native.json'), 'utf8'),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, record };
}

describe('setup-native when the build cannot happen', function () {
  this.timeout(60_000);

  it('TFSCALE_SKIP_NATIVE=1: exits 0, records why, prints one line with the fix', () => {
    const root = fakeProject();
    const r = runSetup(root, { TFSCALE_SKIP_NATIVE: '1' });
    assert.equal(r.code, 0);
    assert.equal(r.record.ok, false);
    assert.match(r.record.reason, /TFSCALE_SKIP_NATIVE=1/);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /Falling back to WASM\. Fix: npx tfscale setup-native/);
  });

  it('no python3 and no cached wheel: exits 0 and names pip as the fix', () => {
    const root = fakeProject();
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-bin-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = runSetup(root, {
      PATH: bin,
      TFSCALE_CACHE_DIR: path.join(root, 'cache'),
      TFSCALE_PYTHON: '/nonexistent/python',
      VIRTUAL_ENV: '',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.record.ok, false);
    assert.equal(r.record.step, 'download');
    assert.match(r.record.reason, /python3 not runnable/);
    assert.match(r.record.fix, /pip download tensorflow-cpu==2\.21\.0/);
    assert.match(r.stdout, /native TensorFlow backend not built .*Fix: .*pip download/);
  });

  it('doctor then names the fallback backend, the reason and the fix', () => {
    const root = fakeProject();
    runSetup(root, { TFSCALE_SKIP_NATIVE: '1' });
    const r = spawnSync(process.execPath, [cli, 'doctor', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, TFSCALE_NATIVE_ROOT: root },
    });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.backend.selected, 'wasm');
    const native = report.backend.candidates.find((c: { name: string }) => c.name === 'native');
    assert.equal(native.available, false);
    assert.match(native.reason, /TFSCALE_SKIP_NATIVE=1/);
    assert.equal(native.fix, 'npx tfscale setup-native');
    assert.match(report.backend.notice, /using the wasm backend because native TensorFlow is unavailable/);
  });
});
