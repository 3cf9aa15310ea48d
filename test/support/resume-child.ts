// A training process for the exact-resume test: trains the canonical model with
// BackupAndRestore, announces each finished step on stdout, and writes its final weights.
import * as fs from 'node:fs';
import {
  BackendRegistryToken,
  BackupAndRestore,
  type Callback,
  createRunContainer,
  createSdkContainer,
  fromArrays,
  selectBackend,
  silentLogger,
  Trainer,
} from '@tfscale/sdk';
import { canonicalData, canonicalModel } from '@tfscale/sdk/testing';

interface ChildConfig {
  backupDir?: string;
  out: string;
  epochs: number;
  saveFreq: number;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as ChildConfig;
  const root = createSdkContainer({ logger: silentLogger });
  await selectBackend(root.resolve(BackendRegistryToken));
  const model = canonicalModel();
  const { x, y } = canonicalData(320);
  const backup = config.backupDir
    ? new BackupAndRestore({ backupDir: config.backupDir, saveFreq: config.saveFreq })
    : undefined;
  let position = () => ({ globalStep: -1 });
  const announce: Callback = {
    setContext: (ctx) => {
      position = () => ctx.progress.position();
    },
    onTrainBegin: () => {
      if (backup?.restoredFrom) console.log(`resumed ${JSON.stringify(backup.restoredFrom)}`);
    },
    onTrainBatchEnd: () => {
      console.log(`step ${position().globalStep}`);
    },
  };
  await createRunContainer(root)
    .resolve(Trainer)
    .fit(model, fromArrays(x, y), {
      epochs: config.epochs,
      batchSize: 32,
      seed: 7,
      callbacks: [...(backup ? [backup] : []), announce],
    });
  fs.writeFileSync(config.out, JSON.stringify(model.getWeights().map((w) => Array.from(w.dataSync()))));
  console.log('done');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
