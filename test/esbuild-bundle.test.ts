import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';

const repo = path.resolve(__dirname, '..', '..');

// The extension is bundled with esbuild, which emits no decorator metadata: injection must work
// from explicit @inject tokens alone.
describe('SDK bundled by esbuild', function () {
  this.timeout(60_000);

  it('resolves injected classes and loads a plugin without decorator metadata', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-esbuild-'));
    const entry = path.join(dir, 'entry.ts');
    const sdk = path.join(repo, 'packages/sdk/src/index.ts').replace(/\\/g, '/');
    fs.writeFileSync(
      entry,
      `// The SDK first: it loads the reflect polyfill tsyringe needs.
import { BackendRegistryToken, CallbackRegistryToken, LoggerToken, createSdkContainer, loadPlugins, type Logger, type Registry, type Backend } from '${sdk}';
import { inject, injectable } from 'tsyringe';
@injectable()
class NeedsTwo {
  constructor(@inject(LoggerToken) readonly logger: Logger, @inject(BackendRegistryToken) readonly backends: Registry<Backend>) {}
}
(async () => {
  const c = createSdkContainer();
  const two = c.resolve(NeedsTwo);
  await loadPlugins([() => ({ meta: { name: 'p', version: '1.0.0', sdk: '*' }, register: (_c: unknown, ctx: any) => ctx.registries.callback.register('cb', () => ({})) })], c);
  console.log(JSON.stringify({ metadata: Reflect.getMetadata('design:paramtypes', NeedsTwo) ?? null, logger: typeof two.logger.info, backends: two.backends.names(), callbacks: c.resolve(CallbackRegistryToken).names() }));
})();
`,
    );
    const outfile = path.join(dir, 'bundle.js');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['@tensorflow/*', '@node-rs/*'],
      nodePaths: [path.join(repo, 'node_modules')],
      tsconfigRaw: { compilerOptions: { experimentalDecorators: true } },
      logLevel: 'silent',
    });
    const r = spawnSync(process.execPath, [outfile], {
      encoding: 'utf8',
      cwd: repo,
      env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules') },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
    assert.equal(out.metadata, null, 'esbuild unexpectedly emitted decorator metadata');
    assert.equal(out.logger, 'function');
    assert.deepEqual(out.backends, ['native-gpu', 'native', 'wasm', 'cpu']);
    assert.ok(out.callbacks.includes('cb') && out.callbacks.includes('model_checkpoint'), out.callbacks.join());
  });
});
