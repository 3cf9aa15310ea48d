/**
 * Distributed training, the chapter's way: the same run on one device, then mirrored over two
 * replicas (one process each, gradients all-reduced every step), then two workers of a
 * multi-worker cluster on loopback configured with TF_CONFIG. With the same global batch the
 * three end with the same weights (up to float rounding), which is what makes scaling out safe.
 *
 *   npm run build && node examples/dist/distributed/run.js        (EPOCHS=2 for a quick look)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BackendRegistryToken, createSdkContainer, loadTf, selectBackend, tfjsFolder } from '@tfscale/sdk';
import { maxWeightDiff, readCheckpointWeights, tfscale } from '../support/cli';

const RUN = path.resolve(__dirname, '../../distributed/tfscale.json');
const OUT = path.resolve(__dirname, '../../../runs/distributed');

/** The starting weights all three runs share (the run file's `model.path`), seeded. */
async function saveInitialModel(): Promise<void> {
  await selectBackend(createSdkContainer().resolve(BackendRegistryToken));
  const tf = loadTf();
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.rescaling({ scale: 1 / 16, inputShape: [64] }),
      tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
  await model.save(tfjsFolder(path.join(OUT, 'init')));
}

/** Trains the three ways; resolves to each one's final accuracy and its distance to one-device. */
export async function main(epochs = Number(process.env.EPOCHS ?? 8)) {
  fs.rmSync(OUT, { recursive: true, force: true });
  await saveInitialModel();
  const ckpt = (name: string) => path.join(OUT, name);
  const common = ['--epochs', String(epochs), '--fresh'];
  const runs = {
    'one-device': tfscale([
      'train',
      RUN,
      '--strategy',
      'one-device',
      '--checkpoint-dir',
      ckpt('one-device'),
      ...common,
      '--quiet',
    ]),
    mirrored: tfscale([
      'launch',
      RUN,
      '--strategy',
      'mirrored',
      '--replicas',
      '2',
      '--checkpoint-dir',
      ckpt('mirrored'),
      ...common,
    ]),
    'multi-worker': tfscale(['launch', RUN, '--workers', '2', '--checkpoint-dir', ckpt('multi-worker'), ...common]),
  };
  const last = `ckpt-${String(epochs).padStart(2, '0')}`;
  const reference = readCheckpointWeights(path.join(ckpt('one-device'), last));
  const results = Object.entries(runs).map(([name, output]) => {
    const accuracy = Number(/^done: .* accuracy: ([\d.]+)/m.exec(output)?.[1]);
    const diff = maxWeightDiff(reference, readCheckpointWeights(path.join(ckpt(name), last)));
    return { name, accuracy, maxWeightDiffFromOneDevice: diff };
  });
  console.table(results);
  return results;
}

if (require.main === module)
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
