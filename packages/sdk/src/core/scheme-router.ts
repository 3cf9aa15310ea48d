/**
 * Routing of location-addressed things by URL scheme (design convention 4), like tfjs io
 * handlers but with schemes declared as data, so two handlers claiming `gs://` are caught when the
 * second registers instead of when a user first saves.
 */
import { invalidValue, TfscaleError } from './errors';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * The scheme of `url` in canonical form (`'gs://'`), or `undefined` for a plain path. Windows
 * drive paths (`C:\models`) have no `//` and count as plain paths.
 *
 * @example
 * ```ts
 * parseScheme('GS://bucket/model'); // 'gs://'
 * parseScheme('models/mnist'); // undefined
 * ```
 */
export function parseScheme(url: string): string | undefined {
  const match = SCHEME.exec(url);
  return match ? `${match[1]!.toLowerCase()}://` : undefined;
}

/**
 * Canonical form of a declared scheme: `'gs'`, `'gs:'` and `'GS://'` all become `'gs://'`.
 *
 * @example
 * ```ts
 * normalizeScheme('file'); // 'file://'
 * ```
 */
export function normalizeScheme(scheme: string): string {
  const bare = typeof scheme === 'string' ? scheme.replace(/:(\/\/)?$/, '') : '';
  if (!/^[a-z][a-z0-9+.-]*$/i.test(bare)) {
    throw invalidValue('scheme', scheme, "a URL scheme such as 'file://' or 'gs://'");
  }
  return `${bare.toLowerCase()}://`;
}

/**
 * Checks that `url` uses one of `schemes` (plain paths count as `file://`) and returns the scheme;
 * otherwise throws `TFSCALE_E_SCHEME_UNSUPPORTED`. Exporters and deployers call this first.
 *
 * @example
 * ```ts
 * requireScheme('gs://b/m', ['file://'], 'exporter "tfjs"'); // throws: ... writes only file://
 * ```
 */
export function requireScheme(url: string, schemes: readonly string[], who: string, plugin?: string): string {
  const scheme = parseScheme(url) ?? 'file://';
  const accepted = schemes.map(normalizeScheme);
  if (accepted.includes(scheme)) return scheme;
  throw new TfscaleError(
    'TFSCALE_E_SCHEME_UNSUPPORTED',
    `${who} does not support ${scheme} (in "${url}"). Supported: ${accepted.join(', ') || 'none'}.`,
    { hint: 'Use a supported location, or install a plugin that handles this scheme.', ...(plugin ? { plugin } : {}) },
  );
}

/**
 * The handler a URL routed to.
 *
 * @example
 * ```ts
 * const { name, scheme, value } = router.route('gs://bucket/model');
 * ```
 */
export interface SchemeRoute<T> {
  readonly name: string;
  readonly scheme: string;
  readonly value: T;
  readonly plugin?: string;
}

/**
 * Maps URL schemes to named handlers. Each scheme has at most one handler; a second claim throws
 * `TFSCALE_E_SCHEME_CONFLICT` naming both. Unknown schemes throw `TFSCALE_E_SCHEME_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const stores = new SchemeRouter<CheckpointStore>('checkpoint store');
 * stores.add('local', ['file://'], localStore);
 * stores.add('gcs', ['gs://'], gcsStore, { plugin: 'tfscale-plugin-gcs' });
 * stores.route('gs://bucket/ckpt').value; // gcsStore
 * stores.route('ckpt/run-1').name; // 'local' (plain paths are file://)
 * ```
 */
export class SchemeRouter<T> {
  readonly #routes = new Map<string, SchemeRoute<T>>();

  /** @param kind - noun used in messages ('exporter', 'checkpoint store', …). */
  constructor(readonly kind: string) {}

  /** Claims `schemes` for `name`; `override` replaces a previous handler of the same name only. */
  add(
    name: string,
    schemes: readonly string[],
    value: T,
    options: { readonly plugin?: string; readonly override?: boolean } = {},
  ): void {
    if (!Array.isArray(schemes) || schemes.length === 0) {
      throw invalidValue('schemes', schemes, "a non-empty array such as ['file://']");
    }
    const normalized = schemes.map(normalizeScheme);
    const mine = [...this.#routes.values()].filter((r) => r.name === name);
    if (mine.length > 0 && !options.override) {
      throw new TfscaleError('TFSCALE_E_REGISTRY_DUPLICATE', `A ${this.kind} named "${name}" is already registered.`, {
        hint: `Choose another name, or pass { override: true } to replace it.`,
        ...(options.plugin ? { plugin: options.plugin } : {}),
      });
    }
    // Check every scheme before changing anything, so a conflict leaves the router as it was.
    for (const scheme of normalized) {
      const owner = this.#routes.get(scheme);
      if (owner && owner.name !== name) {
        const ownerText = owner.plugin ? `"${owner.name}" (plugin "${owner.plugin}")` : `"${owner.name}"`;
        const newText = options.plugin ? `"${name}" (plugin "${options.plugin}")` : `"${name}"`;
        throw new TfscaleError(
          'TFSCALE_E_SCHEME_CONFLICT',
          `${this.kind} ${newText} claims ${scheme}, which ${this.kind} ${ownerText} already handles.`,
          {
            hint: 'Each scheme has one handler: remove one of the two, or unregister the first.',
            ...(options.plugin ? { plugin: options.plugin } : {}),
          },
        );
      }
    }
    this.remove(name);
    for (const scheme of normalized) {
      this.#routes.set(scheme, { name, scheme, value, ...(options.plugin ? { plugin: options.plugin } : {}) });
    }
  }

  /** Drops every scheme `name` claimed; returns whether it had any. */
  remove(name: string): boolean {
    let removed = false;
    for (const [scheme, route] of this.#routes) {
      if (route.name === name) removed = this.#routes.delete(scheme);
    }
    return removed;
  }

  /** The handler for `url`'s scheme (plain paths are `file://`). */
  route(url: string): SchemeRoute<T> {
    const scheme = parseScheme(url) ?? 'file://';
    const route = this.#routes.get(scheme);
    if (route) return route;
    throw new TfscaleError(
      'TFSCALE_E_SCHEME_UNSUPPORTED',
      `No ${this.kind} handles ${scheme} (in "${url}"). Registered: ${this.schemes().join(', ') || 'none'}.`,
      { hint: 'Use a supported location, or install a plugin that handles this scheme.' },
    );
  }

  /** Every claimed scheme, sorted. */
  schemes(): string[] {
    return [...this.#routes.keys()].sort();
  }
}
