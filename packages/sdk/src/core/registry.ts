/**
 * The one generic name → value registry behind every plugin point (design convention 1).
 * Registries hold factories (or, for backends, small descriptor objects), never live resources.
 */
import { closestMatch } from './did-you-mean';
import { describeValue, invalidValue, TfscaleError } from './errors';

/**
 * One registered value with its metadata.
 *
 * @example
 * ```ts
 * const entry: RegistryEntry<number> = { name: 'answer', value: 42, plugin: 'tfscale-plugin-x' };
 * ```
 */
export interface RegistryEntry<T> {
  readonly name: string;
  readonly value: T;
  readonly description?: string;
  /** The plugin that registered it; absent for the SDK's built-ins and application code. */
  readonly plugin?: string;
}

/**
 * Options for {@link Registry.register}.
 *
 * @example
 * ```ts
 * registry.register('mirrored', factory, { description: 'All-reduce over local replicas', override: true });
 * ```
 */
export interface RegisterOptions {
  readonly description?: string;
  readonly plugin?: string;
  /** Replace an existing entry of the same name instead of throwing. */
  readonly override?: boolean;
}

/**
 * The registry surface a plugin sees: the same operations, with every registration stamped with
 * the plugin's name so a duplicate names the culprit.
 *
 * @example
 * ```ts
 * const scoped: ScopedRegistry<CallbackFactory> = registry.forPlugin('tfscale-plugin-hello');
 * scoped.register('hello', () => ({}));
 * ```
 */
export interface ScopedRegistry<T> {
  readonly kind: string;
  register(name: string, value: T, options?: Omit<RegisterOptions, 'plugin'>): RegistryEntry<T>;
  get(name: string): T;
  entry(name: string): RegistryEntry<T>;
  has(name: string): boolean;
  list(): RegistryEntry<T>[];
  names(): string[];
}

/**
 * A named registry. Unknown names throw `TFSCALE_E_REGISTRY_UNKNOWN` listing what is available
 * (with a did-you-mean hint); duplicates throw `TFSCALE_E_REGISTRY_DUPLICATE` naming who was first.
 *
 * @example
 * ```ts
 * const strategies = new Registry<StrategyFactory>('strategy');
 * strategies.register('one-device', (options, ctx) => new OneDeviceStrategy(options));
 * const make = strategies.get('one-device');
 * strategies.get('mirored'); // throws: Unknown strategy "mirored". ... HINT: Did you mean "mirrored"?
 * ```
 */
export class Registry<T> implements ScopedRegistry<T> {
  readonly #entries = new Map<string, RegistryEntry<T>>();

  /** @param kind - singular noun used in messages: 'strategy', 'callback', 'exporter', … */
  constructor(readonly kind: string) {}

  /** Adds `value` under `name`; throws on a duplicate unless `override` is set. */
  register(name: string, value: T, options: RegisterOptions = {}): RegistryEntry<T> {
    if (typeof name !== 'string' || name.trim() === '' || name !== name.trim()) {
      throw invalidValue('name', name, `a non-empty ${this.kind} name without surrounding spaces`);
    }
    const existing = this.#entries.get(name);
    if (existing && !options.override) {
      const who = options.plugin ? `Plugin "${options.plugin}" cannot register` : 'Cannot register';
      const first = existing.plugin ? `plugin "${existing.plugin}"` : 'the SDK or the application';
      throw new TfscaleError(
        'TFSCALE_E_REGISTRY_DUPLICATE',
        `${who} ${this.kind} "${name}": that name is already registered by ${first}.`,
        {
          hint: `Choose another name, or pass { override: true } to replace the existing ${this.kind}.`,
          ...(options.plugin ? { plugin: options.plugin } : {}),
        },
      );
    }
    const entry: RegistryEntry<T> = {
      name,
      value,
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.plugin !== undefined ? { plugin: options.plugin } : {}),
    };
    this.#entries.set(name, entry);
    return entry;
  }

  /** The value registered under `name`. */
  get(name: string): T {
    return this.entry(name).value;
  }

  /** The full entry registered under `name` (value, description, plugin). */
  entry(name: string): RegistryEntry<T> {
    const entry = this.#entries.get(name);
    if (entry) return entry;
    const names = [...this.#entries.keys()].sort();
    const available = names.length ? `Available: ${names.map((n) => `"${n}"`).join(', ')}.` : `None is registered.`;
    const suggestion = typeof name === 'string' ? closestMatch(name, names) : undefined;
    throw new TfscaleError('TFSCALE_E_REGISTRY_UNKNOWN', `Unknown ${this.kind} ${describeValue(name)}. ${available}`, {
      ...(suggestion
        ? { hint: `Did you mean "${suggestion}"?` }
        : names.length === 0
          ? { hint: `Install or load a plugin that provides one.` }
          : {}),
    });
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Removes `name`; returns whether it was there. */
  unregister(name: string): boolean {
    return this.#entries.delete(name);
  }

  /** Every entry, in registration order. */
  list(): RegistryEntry<T>[] {
    return [...this.#entries.values()];
  }

  /** Every name, in registration order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** A view whose registrations carry `plugin` (see {@link ScopedRegistry}). */
  forPlugin(plugin: string): ScopedRegistry<T> {
    return {
      kind: this.kind,
      register: (name, value, options = {}) => this.register(name, value, { ...options, plugin }),
      get: (name) => this.get(name),
      entry: (name) => this.entry(name),
      has: (name) => this.has(name),
      list: () => this.list(),
      names: () => this.names(),
    };
  }
}
