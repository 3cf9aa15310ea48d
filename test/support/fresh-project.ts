/**
 * A fresh npm project that installs packed tarballs with no network: its package-lock.json is cut
 * from this repository's lockfile (the same versions `npm ci` put in npm's cache), so `npm ci
 * --offline` finds every tarball in the cache and never asks the registry for metadata.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const repo = path.resolve(__dirname, '..', '..', '..');

/** Node's lookup of `name` from location `from` in a lockfile's package tree. */
function resolveIn(tree: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (tree[key]) return key;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('node_modules/');
    dir = i < 0 ? dir.split('/').slice(0, -1).join('/') : dir.slice(0, i).replace(/\/$/, '');
  }
}

const sri = (file: string) => `sha512-${crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;

/**
 * Writes `app/package.json` depending on the SDK and `plugins` tarballs (by `file:`), and the
 * lockfile that pins the SDK's whole dependency tree as the repository has it.
 * @example
 *   writeFreshProject('/tmp/app', 'packs/tfscale-sdk-0.1.0.tgz', { 'my-plugin': 'packs/my-plugin-1.0.0.tgz' }, registry);
 */
export function writeFreshProject(
  app: string,
  sdkTgz: string,
  plugins: Record<string, { tgz: string; version: string }>,
  registry: string,
): void {
  const tree = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8')).packages as Record<
    string,
    LockEntry
  >;
  const sdk = tree['packages/sdk']!;
  const file = (tgz: string) => `file:${path.relative(app, tgz)}`;
  const dependencies: Record<string, string> = { '@tfscale/sdk': file(sdkTgz) };
  const packages: Record<string, LockEntry> = {
    'node_modules/@tfscale/sdk': {
      version: sdk.version,
      resolved: file(sdkTgz),
      integrity: sri(sdkTgz),
      dependencies: sdk.dependencies,
      optionalDependencies: sdk.optionalDependencies,
      bin: sdk.bin,
      engines: sdk.engines,
    },
  };
  for (const [name, p] of Object.entries(plugins)) {
    dependencies[name] = file(p.tgz);
    packages[`node_modules/${name}`] = {
      version: p.version,
      resolved: file(p.tgz),
      integrity: sri(p.tgz),
      peerDependencies: { '@tfscale/sdk': `^${sdk.version}` },
    };
  }
  const walk = (from: string): void => {
    const entry = tree[from]!;
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}).map((n) => [n, false] as const),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n) => [n, true] as const),
    ];
    for (const [name, optional] of wanted) {
      const at = resolveIn(tree, from, name);
      if (!at) {
        if (optional) continue;
        throw new Error(`${from} needs ${name}, which the repository's lockfile lacks`);
      }
      const key = at.startsWith('packages/sdk/') ? at.replace('packages/sdk/', 'node_modules/@tfscale/sdk/') : at;
      if (packages[key]) continue;
      // The repository's dev/peer flags mean nothing to the app; a missing `resolved` is the registry's URL.
      const { dev: _dev, devOptional: _devOptional, peer: _peer, ...copy } = tree[at]!;
      const pkg = at.slice(at.lastIndexOf('node_modules/') + 'node_modules/'.length);
      copy.resolved ??= `${registry.replace(/\/$/, '')}/${pkg}/-/${pkg.split('/').pop()}-${copy.version}.tgz`;
      packages[key] = copy;
      walk(at);
    }
  };
  walk('packages/sdk');
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, dependencies }));
  fs.writeFileSync(
    path.join(app, 'package-lock.json'),
    JSON.stringify({
      name: 'my-app',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'my-app', dependencies }, ...packages },
    }),
  );
}
