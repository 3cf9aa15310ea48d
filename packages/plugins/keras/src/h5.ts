/**
 * HDF5 through h5wasm's Node entry (real files via Emscripten's NODERAWFS). h5wasm ships as an
 * ES module only, so it is loaded with a dynamic `import()` on first use.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

type H5 = typeof import('h5wasm/node', { with: { 'resolution-mode': 'import' }});
/**
 * An open HDF5 file.
 *
 * @example
 * ```ts
 * const keys = await withH5File('m.h5', (f: H5File) => f.keys());
 * ```
 */
export type H5File = InstanceType<H5['File']>;
/**
 * A group or the file.
 *
 * @example
 * ```ts
 * const vars: H5Group | undefined = getGroup(f, 'layers/dense/vars');
 * ```
 */
export type H5Group = InstanceType<H5['Group']>;

let loading: Promise<H5> | undefined;
let loaded: H5 | undefined;

/**
 * The h5wasm module, initialized once.
 *
 * @example
 * ```ts
 * const h5 = await h5wasm(); const f = new h5.File('/tmp/x.h5', 'r');
 * ```
 */
export function h5wasm(): Promise<H5> {
  loading ??= (async () => {
    // Emscripten takes a defined `navigator` (Node >= 21) for a browser and then fails to use
    // the host file system; hide it while the module initializes (h5wasm's README does this).
    const nav = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    if (nav?.configurable) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    try {
      const h5 = await import('h5wasm/node');
      await h5.ready;
      loaded = h5;
      return h5;
    } finally {
      if (nav?.configurable) Object.defineProperty(globalThis, 'navigator', nav);
    }
  })();
  return loading;
}

/**
 * Runs `use` on an HDF5 file opened read-only, closing it afterwards.
 *
 * @example
 * ```ts
 * const keys = await withH5File('model.h5', (f) => f.keys());
 * ```
 */
export async function withH5File<T>(file: string, use: (f: H5File) => T | Promise<T>): Promise<T> {
  const h5 = await h5wasm();
  const f = new h5.File(file, 'r');
  try {
    return await use(f);
  } finally {
    f.close();
  }
}

/**
 * Runs `use` on a temporary copy of `bytes` as a file (h5wasm reads real files).
 *
 * @example
 * ```ts
 * await withH5Bytes(unzipped['model.weights.h5'], (f) => f.keys());
 * ```
 */
export async function withH5Bytes<T>(bytes: Uint8Array, use: (f: H5File) => T | Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-'));
  try {
    const file = path.join(dir, 'weights.h5');
    fs.writeFileSync(file, bytes);
    return await withH5File(file, use);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One group to write: a path (`layers/dense/vars`), string attributes and float32 datasets.
 *
 * @example
 * ```ts
 * const g: H5GroupSpec = { path: 'vars', attrs: { name: 'model' }, datasets: [] };
 * ```
 */
export interface H5GroupSpec {
  readonly path: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly datasets: readonly { name: string; data: Float32Array; shape: readonly number[] }[];
}

/**
 * Writes an HDF5 file of groups (parents created as needed) and returns its bytes.
 *
 * @example
 * ```ts
 * const bytes = await writeH5([{ path: 'vars', attrs: { name: 'm' }, datasets: [] }]);
 * ```
 */
export async function writeH5(groups: readonly H5GroupSpec[]): Promise<Uint8Array> {
  const h5 = await h5wasm();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-keras-'));
  try {
    const file = path.join(dir, 'model.weights.h5');
    const f = new h5.File(file, 'w');
    try {
      const made = new Map<string, H5Group>([['', f]]);
      const group = (p: string): H5Group => {
        const existing = made.get(p);
        if (existing) return existing;
        const cut = p.lastIndexOf('/');
        const g = group(cut < 0 ? '' : p.slice(0, cut)).create_group(p.slice(cut + 1));
        made.set(p, g);
        return g;
      };
      for (const spec of groups) {
        const g = group(spec.path);
        for (const [k, v] of Object.entries(spec.attrs)) g.create_attribute(k, v);
        for (const d of spec.datasets) g.create_dataset({ name: d.name, data: d.data, shape: [...d.shape] });
      }
    } finally {
      f.close();
    }
    return new Uint8Array(fs.readFileSync(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The group at `p`, or `undefined` when there is none (or it is not a group).
 *
 * @example
 * ```ts
 * const vars = getGroup(f, 'layers/dense/vars');
 * ```
 */
export function getGroup(f: H5Group, p: string): H5Group | undefined {
  const entity = f.get(p);
  return loaded && entity instanceof loaded.Group ? entity : undefined;
}

/**
 * A dataset's values as float32 with its shape (float64, float16 and integer data converted).
 *
 * @example
 * ```ts
 * const { data, shape } = readFloat32(f, 'layers/dense/vars/0');
 * ```
 */
export function readFloat32(f: H5Group, p: string): { data: Float32Array; shape: number[] } | undefined {
  const ds = f.get(p);
  if (!loaded || !(ds instanceof loaded.Dataset)) return undefined;
  const value = ds.value;
  const shape = ds.shape ?? [];
  if (value instanceof Float32Array) return { data: value, shape };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { data: Float32Array.from(value as ArrayLike<number | bigint>, Number), shape };
  }
  if (typeof value === 'number') return { data: Float32Array.of(value), shape };
  return undefined;
}

/**
 * A string attribute (HDF5 strings may come back as bytes), or `undefined`.
 *
 * @example
 * ```ts
 * const config = attrString(f, 'model_config');
 * ```
 */
export function attrString(g: H5Group, name: string): string | undefined {
  const a = g.attrs[name];
  if (!a) return undefined;
  const v = a.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return undefined;
}

/**
 * A string-array attribute such as `weight_names` (an empty array for none).
 *
 * @example
 * ```ts
 * attrStrings(layerGroup, 'weight_names'); // ['dense/kernel:0', 'dense/bias:0']
 * ```
 */
export function attrStrings(g: H5Group, name: string): string[] {
  const a = g.attrs[name];
  if (!a) return [];
  const v = a.value;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => (x instanceof Uint8Array ? new TextDecoder().decode(x) : String(x)));
  return [];
}
