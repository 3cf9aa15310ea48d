import assert from 'node:assert/strict';
import { isTfscaleError } from '../core/errors';
import { CALLBACK_HOOKS, type Callback, type Logs } from './callback';
import { CallbackList } from './callback-list';
import { SimpleTrainingControl } from './training-control';

class Counter implements Callback {
  readonly stateKey: string;
  epochs = 0;
  constructor(stateKey = 'counter') {
    this.stateKey = stateKey;
  }
  async onEpochEnd(): Promise<void> {
    this.epochs++;
  }
  saveState(): { epochs: number } {
    return { epochs: this.epochs };
  }
  loadState(state: unknown): void {
    this.epochs = (state as { epochs: number }).epochs;
  }
}

describe('callbacks/CallbackList', () => {
  it('accepts plain objects and class instances and runs them in order, awaiting each', async () => {
    const events: string[] = [];
    const slow: Callback = {
      onEpochBegin: async (epoch) => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        events.push(`slow:${epoch}`);
      },
    };
    const fast: Callback = { onEpochBegin: (epoch) => void events.push(`fast:${epoch}`) };
    const list = new CallbackList([slow, fast, new Counter()]);
    await list.onEpochBegin(3);
    assert.deepEqual(events, ['slow:3', 'fast:3']);
    assert.equal(list.callbacks.length, 3);
  });

  it('passes the same logs object to every callback (Keras semantics)', async () => {
    const seen: Logs[] = [];
    const list = new CallbackList([
      { onTrainBatchEnd: (_batch, logs) => void seen.push(logs!) },
      { onTrainBatchEnd: (_batch, logs) => void seen.push(logs!) },
    ]);
    const logs = { loss: 0.5 };
    await list.onTrainBatchEnd(0, logs);
    assert.equal(seen[0], logs);
    assert.equal(seen[1], logs);
  });

  it('implements every hook, and empty callbacks are fine', async () => {
    const list = new CallbackList([{}]);
    for (const hook of CALLBACK_HOOKS) {
      assert.equal(typeof list[hook], 'function', hook);
      await (list[hook] as (a?: number, b?: Logs) => Promise<void>)(0, {});
    }
  });

  it('wraps a throwing hook in TFSCALE_E_CALLBACK_FAILED naming callback, plugin and hook', async () => {
    const boom = new Error('disk full');
    const list = new CallbackList();
    list.add(
      {
        onEpochEnd: () => {
          throw boom;
        },
      },
      { name: 'hello', plugin: 'tfscale-plugin-hello' },
    );
    await assert.rejects(list.onEpochEnd(1), (err: unknown) => {
      assert.ok(isTfscaleError(err, 'TFSCALE_E_CALLBACK_FAILED'));
      assert.equal(err.plugin, 'tfscale-plugin-hello');
      assert.equal(err.hook, 'onEpochEnd');
      assert.equal(err.cause, boom);
      assert.match(
        err.message,
        /^Callback "hello" \(plugin "tfscale-plugin-hello"\) threw in onEpochEnd: disk full\nHINT: /,
      );
      return true;
    });
  });

  it('names a class callback by its class and does not double-wrap nested lists', async () => {
    class Exploder implements Callback {
      async onTrainBegin(): Promise<void> {
        throw new Error('kaboom');
      }
    }
    const outer = new CallbackList([new CallbackList([new Exploder()])]);
    await assert.rejects(outer.onTrainBegin(), {
      code: 'TFSCALE_E_CALLBACK_FAILED',
      message: 'Callback "Exploder" threw in onTrainBegin: kaboom',
    });
  });

  it('stops dispatching at the first failure', async () => {
    const events: string[] = [];
    const list = new CallbackList([
      {
        onTrainEnd: () => {
          throw new Error('x');
        },
      },
      { onTrainEnd: () => void events.push('second') },
    ]);
    await assert.rejects(list.onTrainEnd());
    assert.deepEqual(events, []);
  });

  it('rejects two stateful callbacks with the same stateKey', () => {
    assert.throws(() => new CallbackList([new Counter('es'), new Counter('es')]), {
      code: 'TFSCALE_E_CALLBACK_STATE_KEY_CLASH',
      message:
        /^Callbacks "Counter" and "Counter" both declare stateKey "es".*\nHINT: Give each stateful callback a unique stateKey/,
    });
  });

  it('rejects a stateKey without saveState/loadState, and non-function hooks', () => {
    assert.throws(() => new CallbackList([{ stateKey: 'x' }]), { code: 'TFSCALE_E_INVALID_VALUE' });
    assert.throws(() => new CallbackList([{ onEpochEnd: 3 } as unknown as Callback]), {
      code: 'TFSCALE_E_INVALID_VALUE',
      message: /^Invalid value for `callback #0\.onEpochEnd`\. Received: callback #0\.onEpochEnd=3\./,
    });
    assert.throws(() => new CallbackList([null as unknown as Callback]), { code: 'TFSCALE_E_INVALID_VALUE' });
  });

  it('saveStates/loadStates round-trip by stateKey and report unclaimed keys', async () => {
    const a = new Counter('a');
    const b = new Counter('b');
    const list = new CallbackList([a, b, { onEpochEnd: () => {} }]);
    await list.onEpochEnd(0);
    await list.onEpochEnd(1);
    const saved = JSON.parse(JSON.stringify(await list.saveStates()));
    assert.deepEqual(saved, { a: { epochs: 2 }, b: { epochs: 2 } });
    const restoredA = new Counter('a');
    const restored = new CallbackList([restoredA, new Counter('c')]);
    assert.deepEqual(await restored.loadStates(saved), ['b']);
    assert.equal(restoredA.epochs, 2);
  });

  it('SimpleTrainingControl keeps the first stop reason', () => {
    const control = new SimpleTrainingControl();
    assert.equal(control.stopRequested, false);
    control.stopTraining('patience');
    control.stopTraining('later');
    assert.equal(control.stopRequested, true);
    assert.equal(control.stopReason, 'patience');
  });
});
