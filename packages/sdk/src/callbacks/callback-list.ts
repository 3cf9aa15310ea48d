/**
 * `CallbackList`: many callbacks run as one (the Keras composite), itself a {@link Callback}.
 */
import { invalidValue, isTfscaleError, TfscaleError } from '../core/errors';
import { CALLBACK_HOOKS, type Callback, type CallbackHookName, type CallbackHooks, type Logs } from './callback';
import type { CallbackContext } from './callback-context';

/**
 * Who a callback is, for error messages.
 *
 * @example
 * ```ts
 * list.add(callback, { name: 'hello', plugin: 'tfscale-plugin-hello' });
 * ```
 */
export interface CallbackInfo {
  readonly name?: string;
  readonly plugin?: string;
}

interface Member {
  readonly callback: Callback;
  readonly name: string;
  readonly plugin?: string;
}

type HookArgs<H extends CallbackHookName> = Parameters<NonNullable<CallbackHooks[H]>>;

/**
 * Runs callbacks in insertion order, awaiting each hook before the next. A hook that throws is
 * rethrown as `TFSCALE_E_CALLBACK_FAILED` naming the callback, its plugin and the hook; two
 * stateful callbacks with the same `stateKey` are refused when added.
 *
 * @example
 * ```ts
 * const list = new CallbackList([new EpochCounter(), { onTrainEnd: async () => console.log('done') }]);
 * list.add(await helloFactory({}, ctx), { name: 'hello', plugin: 'tfscale-plugin-hello' });
 * await list.onEpochEnd(0, { loss: 0.3 });
 * const states = await list.saveStates(); // { epoch_counter: { epochs: 1 } }
 * ```
 */
export class CallbackList implements Callback {
  readonly name = 'CallbackList';
  readonly #members: Member[] = [];

  constructor(callbacks: Iterable<Callback> = []) {
    for (const callback of callbacks) this.add(callback);
  }

  /** The callbacks, in dispatch order. */
  get callbacks(): readonly Callback[] {
    return this.#members.map((m) => m.callback);
  }

  /** Appends a callback (class instance or plain object). */
  add(callback: Callback, info: CallbackInfo = {}): this {
    const index = this.#members.length;
    if (typeof callback !== 'object' || callback === null) {
      throw invalidValue(`callbacks[${index}]`, callback, 'a callback object with optional hooks such as onEpochEnd');
    }
    const name = info.name ?? callbackName(callback, index);
    for (const hook of CALLBACK_HOOKS) {
      const fn = callback[hook];
      if (fn !== undefined && typeof fn !== 'function') {
        throw invalidValue(`${name}.${hook}`, fn, 'a function or undefined');
      }
    }
    if (callback.stateKey !== undefined) this.#checkStateful(callback, name, info.plugin);
    this.#members.push({ callback, name, ...(info.plugin ? { plugin: info.plugin } : {}) });
    return this;
  }

  onTrainBegin(logs?: Logs): Promise<void> {
    return this.#dispatch('onTrainBegin', [logs]);
  }
  onTrainEnd(logs?: Logs): Promise<void> {
    return this.#dispatch('onTrainEnd', [logs]);
  }
  onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onEpochBegin', [epoch, logs]);
  }
  onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onEpochEnd', [epoch, logs]);
  }
  onTrainBatchBegin(batch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onTrainBatchBegin', [batch, logs]);
  }
  onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onTrainBatchEnd', [batch, logs]);
  }
  onTestBegin(logs?: Logs): Promise<void> {
    return this.#dispatch('onTestBegin', [logs]);
  }
  onTestEnd(logs?: Logs): Promise<void> {
    return this.#dispatch('onTestEnd', [logs]);
  }
  onTestBatchBegin(batch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onTestBatchBegin', [batch, logs]);
  }
  onTestBatchEnd(batch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onTestBatchEnd', [batch, logs]);
  }
  onPredictBegin(logs?: Logs): Promise<void> {
    return this.#dispatch('onPredictBegin', [logs]);
  }
  onPredictEnd(logs?: Logs): Promise<void> {
    return this.#dispatch('onPredictEnd', [logs]);
  }
  onPredictBatchBegin(batch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onPredictBatchBegin', [batch, logs]);
  }
  onPredictBatchEnd(batch: number, logs?: Logs): Promise<void> {
    return this.#dispatch('onPredictBatchEnd', [batch, logs]);
  }

  /** Hands every member the run's context, before `onTrainBegin`. */
  setContext(context: CallbackContext): void {
    for (const member of this.#members) {
      if (typeof member.callback.setContext !== 'function') continue;
      try {
        member.callback.setContext(context);
      } catch (err) {
        throw wrapHookError(err, member, 'setContext');
      }
    }
  }

  /** Every stateful callback's state, keyed by `stateKey`. */
  async saveStates(): Promise<Record<string, unknown>> {
    const states: Record<string, unknown> = {};
    for (const member of this.#stateful()) {
      states[member.callback.stateKey!] = await this.#call(member, 'saveState', []);
    }
    return states;
  }

  /**
   * Restores states saved by {@link saveStates}; callbacks without a saved state are left alone.
   * Returns the keys no callback claimed (e.g. a callback removed since the backup).
   */
  async loadStates(states: Readonly<Record<string, unknown>>): Promise<string[]> {
    const unclaimed = new Set(Object.keys(states));
    for (const member of this.#stateful()) {
      const key = member.callback.stateKey!;
      if (!Object.hasOwn(states, key)) continue;
      unclaimed.delete(key);
      await this.#call(member, 'loadState', [states[key]]);
    }
    return [...unclaimed];
  }

  #stateful(): Member[] {
    return this.#members.filter((m) => m.callback.stateKey !== undefined);
  }

  #checkStateful(callback: Callback, name: string, plugin: string | undefined): void {
    const key = callback.stateKey;
    if (typeof key !== 'string' || key === '') {
      throw invalidValue(`${name}.stateKey`, key, 'a non-empty string unique among the run’s callbacks');
    }
    if (typeof callback.saveState !== 'function' || typeof callback.loadState !== 'function') {
      throw invalidValue(
        `${name}.saveState/loadState`,
        [typeof callback.saveState, typeof callback.loadState],
        'both to be functions when stateKey is set',
        'Implement saveState() and loadState(state), or drop stateKey if the callback keeps no state.',
      );
    }
    const clash = this.#members.find((m) => m.callback.stateKey === key);
    if (clash) {
      throw new TfscaleError(
        'TFSCALE_E_CALLBACK_STATE_KEY_CLASH',
        `Callbacks "${clash.name}" and "${name}" both declare stateKey "${key}", so their saved states would overwrite each other.`,
        {
          hint: `Give each stateful callback a unique stateKey, e.g. "${key}_2" (most built-ins accept a \`stateKey\` option).`,
          ...(plugin ? { plugin } : {}),
        },
      );
    }
  }

  async #dispatch<H extends CallbackHookName>(hook: H, args: HookArgs<H>): Promise<void> {
    for (const member of this.#members) {
      if (typeof member.callback[hook] === 'function') await this.#call(member, hook, args);
    }
  }

  async #call(member: Member, hook: CallbackHookName | 'saveState' | 'loadState', args: unknown[]): Promise<unknown> {
    const fn = member.callback[hook] as (...args: unknown[]) => unknown;
    try {
      return await fn.apply(member.callback, args);
    } catch (err) {
      throw wrapHookError(err, member, hook);
    }
  }
}

function callbackName(callback: Callback, index: number): string {
  if (typeof callback.name === 'string' && callback.name !== '') return callback.name;
  const ctor = (callback as object).constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : `callback #${index}`;
}

function wrapHookError(err: unknown, member: Member, hook: string): TfscaleError {
  // A nested CallbackList already named the inner callback; wrapping again would hide it.
  if (isTfscaleError(err, 'TFSCALE_E_CALLBACK_FAILED')) return err;
  const by = member.plugin ? ` (plugin "${member.plugin}")` : '';
  const reason = err instanceof Error ? err.message : String(err);
  const hint = isTfscaleError(err)
    ? err.hint
    : member.plugin
      ? `This is a bug in plugin "${member.plugin}": report it to its maintainers, or remove the callback from the run.`
      : undefined;
  return new TfscaleError('TFSCALE_E_CALLBACK_FAILED', `Callback "${member.name}"${by} threw in ${hook}: ${reason}`, {
    hook,
    cause: err,
    ...(member.plugin ? { plugin: member.plugin } : {}),
    ...(hint ? { hint } : {}),
  });
}
