import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { invalidValue } from '../core/errors';
import { writeDirAtomic, writeFileAtomic } from '../io/atomic-dir';
import { modelWeights, readWeights, setModelWeights, writeWeights } from '../io/weights-file';
import type { Callback } from './callback';
import type { CallbackContext, TrainingPosition } from './callback-context';

/** Options of {@link BackupAndRestore}, Keras' arguments in camelCase. */
export interface BackupAndRestoreOptions {
  backupDir: string;
  /** 'epoch' (default) or a number of batches between backups. */
  saveFreq?: 'epoch' | number;
  /** Remove the backup when training ends (default true), as Keras. */
  deleteCheckpoint?: boolean;
  /** Keep the previous backup too (Keras' double_checkpoint); each write is atomic either way. */
  doubleCheckpoint?: boolean;
}

/** What `state.json` in a snapshot holds. */
interface SnapshotState {
  version: 1;
  position: TrainingPosition;
  seed: number;
  learningRate?: number;
  callbacks: Record<string, unknown>;
}

const POINTER = 'checkpoint';
const SNAPSHOT = /^snapshot-(\d+)$/;

/**
 * Fault tolerance, as Keras' BackupAndRestore but exact: each backup holds the weights, the
 * optimizer state (e.g. Adam's moments and iteration count), the learning rate, the position
 * (epoch and batch), the data-order seed and every stateful callback's state. Started again after
 * a crash, `fit` continues at the exact batch where the last backup was taken, and ends with the
 * weights an uninterrupted run would have (for models without random layers such as Dropout).
 *
 * Each backup is written into a new `snapshot-<globalStep>` folder by temp + rename, then the
 * `checkpoint` pointer is replaced atomically: a crash mid-write leaves the previous backup usable.
 * @example
 *   await trainer.fit(model, data, { epochs: 10, seed: 1, callbacks: [new BackupAndRestore({ backupDir: 'runs/a/backup', saveFreq: 50 })] });
 */
export class BackupAndRestore implements Callback {
  readonly name = 'BackupAndRestore';
  private readonly dir: string;
  private readonly saveFreq: 'epoch' | number;
  private readonly deleteCheckpoint: boolean;
  private readonly keep: number;
  private ctx?: CallbackContext;
  private sinceSave = 0;
  /** The snapshot training resumed from, if any (for tests and logs). */
  restoredFrom?: TrainingPosition;

  constructor(options: BackupAndRestoreOptions) {
    if (!options || typeof options.backupDir !== 'string' || options.backupDir === '') {
      throw invalidValue('backupDir', options?.backupDir, 'a non-empty folder path');
    }
    const freq = options.saveFreq ?? 'epoch';
    if (freq !== 'epoch' && !(Number.isInteger(freq) && freq > 0)) {
      throw invalidValue('saveFreq', freq, "either 'epoch' or a positive integer");
    }
    this.dir = options.backupDir;
    this.saveFreq = freq;
    this.deleteCheckpoint = options.deleteCheckpoint ?? true;
    this.keep = options.doubleCheckpoint ? 2 : 1;
  }

  setContext(context: CallbackContext): void {
    this.ctx = context;
  }

  async onTrainBegin(): Promise<void> {
    const ctx = this.context();
    const snapshot = await this.latest();
    if (!snapshot) return;
    const state = JSON.parse(await fs.readFile(path.join(snapshot, 'state.json'), 'utf8')) as SnapshotState;
    setModelWeights(ctx.model, await readWeights(path.join(snapshot, 'model')));
    const optimizerWeights = await readWeights(path.join(snapshot, 'optimizer'));
    if (optimizerWeights.length > 0) await ctx.optimizer.setWeights(optimizerWeights);
    if (state.learningRate !== undefined) ctx.optimizer.setLearningRate(state.learningRate);
    ctx.progress.resumeAt(state.position, { seed: state.seed, callbackStates: state.callbacks });
    this.restoredFrom = state.position;
    ctx.logger.info(
      `BackupAndRestore: resuming at epoch ${state.position.epoch + 1}, batch ${state.position.step} from ${snapshot}`,
    );
  }

  async onTrainBatchEnd(): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    if (++this.sinceSave >= this.saveFreq) {
      this.sinceSave = 0;
      await this.save();
    }
  }

  async onEpochEnd(): Promise<void> {
    if (this.saveFreq === 'epoch') await this.save();
  }

  async onTrainEnd(): Promise<void> {
    const ctx = this.context();
    if (!ctx.isPrimary) return;
    // An interrupted run (Ctrl-C) ends with a fresh backup instead of deleting it.
    if (ctx.control.interrupted) await this.save();
    else if (this.deleteCheckpoint) await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async save(): Promise<void> {
    const ctx = this.context();
    if (!ctx.isPrimary) return;
    const position = ctx.progress.position();
    const state: SnapshotState = {
      version: 1,
      position,
      seed: ctx.progress.seed,
      learningRate: safeLearningRate(ctx),
      callbacks: await ctx.callbackStates.save(),
    };
    const name = `snapshot-${position.globalStep}`;
    const optimizerWeights = await ctx.optimizer.getWeights();
    await writeDirAtomic(path.join(this.dir, name), async (tmp) => {
      await fs.mkdir(path.join(tmp, 'model'));
      await fs.mkdir(path.join(tmp, 'optimizer'));
      await writeWeights(path.join(tmp, 'model'), modelWeights(ctx.model));
      await writeWeights(path.join(tmp, 'optimizer'), optimizerWeights);
      // Written last: a snapshot without state.json is incomplete and never restored.
      await fs.writeFile(path.join(tmp, 'state.json'), `${JSON.stringify(state)}\n`);
    });
    await writeFileAtomic(path.join(this.dir, POINTER), `${name}\n`);
    await this.prune(name);
  }

  /** The snapshot the pointer names, else the newest complete one; undefined when none. */
  private async latest(): Promise<string | undefined> {
    const complete = async (name: string) =>
      SNAPSHOT.test(name) &&
      fs.access(path.join(this.dir, name, 'state.json')).then(
        () => true,
        () => false,
      );
    const named = await fs.readFile(path.join(this.dir, POINTER), 'utf8').then(
      (s) => s.trim(),
      () => undefined,
    );
    if (named && (await complete(named))) return path.join(this.dir, named);
    for (const name of await this.snapshots()) if (await complete(name)) return path.join(this.dir, name);
    return undefined;
  }

  /** Snapshot folder names, newest first. */
  private async snapshots(): Promise<string[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => SNAPSHOT.test(n)).sort((a, b) => step(b) - step(a));
  }

  private async prune(current: string): Promise<void> {
    const older = (await this.snapshots()).filter((n) => n !== current).slice(this.keep - 1);
    for (const name of older) await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
    for (const name of await fs.readdir(this.dir)) {
      if (name.startsWith('.tmp-') && !name.includes(`-${process.pid}-`))
        await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  private context(): CallbackContext {
    if (!this.ctx) throw new Error('BackupAndRestore used outside Trainer.fit (no context was set)');
    return this.ctx;
  }
}

function step(name: string): number {
  return Number(SNAPSHOT.exec(name)?.[1] ?? -1);
}

function safeLearningRate(ctx: CallbackContext): number | undefined {
  try {
    return ctx.optimizer.getLearningRate();
  } catch {
    return undefined;
  }
}
