import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from '../core/registry';
import { describeCallbackConformance } from '../testing/conformance/callback-conformance';
import { conformanceContext, expectCodedError } from '../testing/conformance/helpers';
import { BUILTIN_CALLBACKS, registerBuiltinCallbacks } from './builtin-callbacks';
import type { CallbackFactory } from './callback';
import { CSVLogger } from './csv-logger';
import { MetricsStream } from './metrics-stream';
import { ProgressBar } from './progress-bar';
import { TensorBoard } from './tensorboard';
import { TerminateOnNaN } from './terminate-on-nan';

const scratch = mkdtempSync(join(tmpdir(), 'tfscale-builtin-callbacks-'));
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
after(() => rmSync(scratch, { recursive: true, force: true }));

function registry(): Registry<CallbackFactory> {
  const callbacks = new Registry<CallbackFactory>('callback');
  registerBuiltinCallbacks(callbacks);
  return callbacks;
}

// Each built-in passes the suite a third-party callback must pass.
describeCallbackConformance('tensorboard', () => registry().get('tensorboard'), {
  options: { logDir: join(scratch, 'tb'), histogramFreq: 1, updateFreq: 1 },
});
describeCallbackConformance('csv_logger', () => registry().get('csv_logger'), {
  options: { filename: join(scratch, 'log.csv') },
});
describeCallbackConformance('metrics_stream', () => registry().get('metrics_stream'), {
  options: { file: join(scratch, 'metrics.jsonl') },
});
describeCallbackConformance('progress_bar', () => registry().get('progress_bar'), {
  options: { stream: sink, ttyMode: 'plain' },
});
describeCallbackConformance('terminate_on_nan', () => registry().get('terminate_on_nan'));

describe('callbacks/builtin-callbacks', () => {
  it('registers every built-in under its snake_case Keras name, with a description', () => {
    const callbacks = registry();
    assert.deepEqual(callbacks.names(), [
      'tensorboard',
      'csv_logger',
      'metrics_stream',
      'progress_bar',
      'terminate_on_nan',
      'model_checkpoint',
      'early_stopping',
      'reduce_lr_on_plateau',
      'learning_rate_scheduler',
      'backup_and_restore',
    ]);
    for (const entry of callbacks.list()) assert.ok(entry.description && entry.description.length > 10, entry.name);
    assert.deepEqual(Object.keys(BUILTIN_CALLBACKS), callbacks.names());
  });

  it('builds each callback from run-file options', async () => {
    const ctx = conformanceContext();
    const make = (name: string, options: Record<string, unknown> = {}) => registry().get(name)(options, ctx);
    const tb = await make('tensorboard', { logDir: 'runs/x', updateFreq: 10 });
    assert.ok(tb instanceof TensorBoard);
    assert.equal(tb.logDir, 'runs/x');
    assert.equal(tb.updateFreq, 10);
    assert.ok((await make('csv_logger', { filename: 'a.csv', append: true })) instanceof CSVLogger);
    assert.ok((await make('metrics_stream', { ipc: true })) instanceof MetricsStream);
    assert.ok((await make('progress_bar', { ttyMode: 'plain' })) instanceof ProgressBar);
    assert.ok((await make('terminate_on_nan')) instanceof TerminateOnNaN);
  });

  it('refuses bad run-file options at construction, before training', async () => {
    const ctx = conformanceContext();
    await expectCodedError(() => registry().get('csv_logger')({}, ctx), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => registry().get('tensorboard')({ log_dir: 'x' }, ctx), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => registry().get('tensor_board'), 'TFSCALE_E_REGISTRY_UNKNOWN');
  });
});
