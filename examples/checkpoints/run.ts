/**
 * Checkpoints and TensorBoard, the chapter's way: a run with Keras's ModelCheckpoint (only the
 * best by val_loss) and TensorBoard callbacks is interrupted with Ctrl-C mid-training, then the
 * same command continues from its backup (BackupAndRestore) at the next epoch — not from scratch.
 * Finally the TensorBoard event files are read back, as TensorBoard reads them.
 *
 *   npm run build && node examples/dist/checkpoints/run.js
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listEventFiles, readEventFileSync } from '@tfscale/sdk';
import { TFSCALE, tfscale } from '../support/cli';

const RUN = path.resolve(__dirname, '../../checkpoints/tfscale.json');
const OUT = path.resolve(__dirname, '../../../runs/checkpoints');

/** Starts training and sends SIGINT (Ctrl-C) once `epoch` epochs have finished. */
async function trainAndInterrupt(epoch: number): Promise<{ code: number | null; output: string }> {
  console.log(`$ npx tfscale train ${RUN}   # Ctrl-C after epoch ${epoch}`);
  const child = spawn(process.execPath, [TFSCALE, 'train', RUN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let sent = false;
  const onData = (d: Buffer) => {
    output += d.toString();
    // Once: a second Ctrl-C quits at once, possibly in the middle of writing a checkpoint.
    if (!sent && new RegExp(`^Epoch ${epoch}/`, 'm').test(output)) {
      sent = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

/** The scalar series TensorBoard would plot, by run (train/validation) and tag. */
export function readScalars(logDir: string): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const run of fs.readdirSync(logDir)) {
    for (const file of listEventFiles(path.join(logDir, run))) {
      for (const event of readEventFileSync(file)) {
        for (const v of event.summary?.value ?? []) {
          if (v.simpleValue === undefined || !v.tag) continue;
          out[run] = { ...out[run], [v.tag]: [...(out[run]?.[v.tag] ?? []), v.simpleValue] };
        }
      }
    }
  }
  return out;
}

export async function main() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const first = await trainAndInterrupt(3);
  if (first.code !== 130) throw new Error(`expected exit 130 after Ctrl-C, got ${first.code}:\n${first.output}`);
  // Ctrl-C lands during some later epoch; the backup stands at its start or, at an epoch edge, after it.
  const finished = [...first.output.matchAll(/^Epoch (\d+)\//gm)].map((m) => Number(m[1]));
  const interruptedAfter = Math.max(...finished);
  console.log(
    first.output
      .split('\n')
      .filter((l) => /^Epoch|interrupted|backup/.test(l))
      .join('\n'),
  );

  const second = tfscale(['train', RUN]);
  const resumedAt = Number(/^Epoch (\d+)\//m.exec(second)?.[1]);
  console.log(
    second
      .split('\n')
      .filter((l) => /^Epoch|^done|resum/i.test(l))
      .join('\n'),
  );

  const best = fs.readdirSync(path.join(OUT, 'best')).sort();
  const scalars = readScalars(path.join(OUT, 'logs'));
  console.log(`best checkpoints (save_best_only on val_loss): ${best.join(', ')}`);
  for (const [run, tags] of Object.entries(scalars))
    console.log(
      `TensorBoard ${run}: ${Object.entries(tags)
        .map(([t, v]) => `${t} (${v.length} points)`)
        .join(', ')}`,
    );
  console.log(`view them: tensorboard --logdir ${path.join(OUT, 'logs')}`);
  console.log(`interrupted in or after epoch ${interruptedAfter}; the rerun resumed at epoch ${resumedAt}`);
  return { interruptedAfter, resumedAt, best, scalars };
}

if (require.main === module)
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
