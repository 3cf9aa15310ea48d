import * as fs from 'node:fs';
import * as path from 'node:path';

/** What `scripts/setup-native.js` recorded beside a tfjs-node package after trying to build it. */
export interface NativeBuildStatus {
  ok: boolean;
  package?: string;
  flavor?: 'cpu' | 'gpu';
  tensorflow?: string;
  source?: string;
  step?: string;
  reason?: string;
  fix?: string;
  at?: string;
}

/** File name the setup script writes into the tfjs-node package folder. */
export const NATIVE_STATUS_FILE = 'tfscale-native.json';

/**
 * Folder of an installed package, or undefined when it is not installed. Native packages resolve
 * from `TFSCALE_NATIVE_ROOT` when set (another project's build), everything else from here.
 * @example
 *   packageDir('@tensorflow/tfjs-node'); // '/app/node_modules/@tensorflow/tfjs-node'
 */
export function packageDir(name: string, from: string | undefined = nativeRoot(name)): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, from ? { paths: [from] } : undefined));
  } catch {
    return undefined;
  }
}

function nativeRoot(name: string): string | undefined {
  return name.startsWith('@tensorflow/tfjs-node') ? process.env.TFSCALE_NATIVE_ROOT || undefined : undefined;
}

/**
 * Reads the build record of a native tfjs package; undefined when the package is missing.
 * @example
 *   const s = readNativeStatus('@tensorflow/tfjs-node');
 *   if (s && !s.ok) console.log(s.reason, s.fix);
 */
export function readNativeStatus(pkg: string): NativeBuildStatus | undefined {
  const dir = packageDir(pkg);
  if (!dir) return undefined;
  const file = path.join(dir, NATIVE_STATUS_FILE);
  const addon = findAddon(dir);
  if (fs.existsSync(file)) {
    try {
      const status = JSON.parse(fs.readFileSync(file, 'utf8')) as NativeBuildStatus;
      if (status.ok && !addon) {
        return {
          ok: false,
          step: 'build',
          reason: `no built addon under ${path.join(dir, 'lib')}`,
          fix: 'npx tfscale setup-native',
        };
      }
      return status;
    } catch {
      return { ok: false, step: 'status', reason: `unreadable ${file}`, fix: 'npx tfscale setup-native' };
    }
  }
  if (addon) return { ok: true, source: 'built outside tfscale' };
  return {
    ok: false,
    step: 'build',
    reason: `${pkg} is installed but its native addon was never built`,
    fix: 'npx tfscale setup-native',
  };
}

/**
 * The addon node-pre-gyp built: `lib/napi-v<N>/tfjs_binding.node` for the highest N the package
 * supports that this Node also supports (tfjs-node 4.22 stops at 8 while Node 20 offers 9).
 * @example
 *   findAddon('/app/node_modules/@tensorflow/tfjs-node'); // '.../lib/napi-v8/tfjs_binding.node'
 */
export function findAddon(pkgDir: string): string | undefined {
  const lib = path.join(pkgDir, 'lib');
  const own = Number(process.versions.napi);
  const versions = fs.existsSync(lib)
    ? fs
        .readdirSync(lib)
        .map((d) => /^napi-v(\d+)$/.exec(d)?.[1])
        .filter((v): v is string => v !== undefined)
        .map(Number)
        .filter((v) => v <= own)
        .sort((a, b) => b - a)
    : [];
  for (const v of versions) {
    const file = path.join(lib, `napi-v${v}`, 'tfjs_binding.node');
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}
