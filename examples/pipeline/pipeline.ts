/**
 * The TFX chapter's pipeline on the UCI Iris data: ExampleGen → StatisticsGen → SchemaGen →
 * ExampleValidator → Transform → Trainer → Evaluator → Pusher. Run it with
 * `npx tfscale pipeline run examples/dist/pipeline/pipeline.js` after `npm run build` (see README.md).
 * `EPOCHS`, `STRATEGY`, `MIN_ACCURACY` and `PIPELINE_ROOT` override the defaults (the tests use them).
 * Iris has no categorical feature, so one is derived deterministically from the committed table:
 * `petal_size` (small / medium / large by petal length), which the Transform turns into a
 * vocabulary one-hot — the served model takes it as a string.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  definePipeline,
  Evaluator,
  ExampleGen,
  ExampleValidator,
  Pusher,
  SchemaGen,
  StatisticsGen,
  Trainer,
  Transform,
} from '@tfscale/sdk/pipeline';

const here = path.resolve(__dirname, '../../pipeline');
const root = process.env.PIPELINE_ROOT
  ? path.resolve(process.env.PIPELINE_ROOT)
  : path.resolve(here, '../../runs/pipeline');

/** `iris.csv` plus `petal_size`, written under the root (rewritten only when it would change, so caching holds). */
function withPetalSize(source: string): string {
  const [header, ...rows] = fs.readFileSync(source, 'utf8').trim().split('\n');
  const size = (petalLength: number) => (petalLength < 2.5 ? 'small' : petalLength < 5 ? 'medium' : 'large');
  const text = `${[`${header},petal_size`, ...rows.map((r) => `${r},${size(Number(r.split(',')[2]))}`)].join('\n')}\n`;
  const file = path.join(root, 'data', 'iris-with-petal-size.csv');
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return file;
}

const gen = ExampleGen({}, { input: withPetalSize(path.join(here, 'data/iris.csv')) });
const stats = StatisticsGen({ examples: gen.outputs.examples }, {});
const schema = SchemaGen({ statistics: stats.outputs.statistics }, {});
const validator = ExampleValidator(
  { statistics: stats.outputs.statistics, schema: schema.outputs.schema },
  { skew: { meanShiftThreshold: 0.75, linfThreshold: 0.3 } },
);
const transform = Transform(
  { examples: gen.outputs.examples, schema: schema.outputs.schema },
  {
    features: {
      sepal_length: { op: 'zscore' },
      sepal_width: { op: 'zscore' },
      petal_length: { op: 'zscore' },
      petal_width: { op: 'bucketize', numBuckets: 4 },
      petal_size: { op: 'vocabulary', numOovBuckets: 1 },
    },
    label: 'species',
  },
);
const trainer = Trainer(
  { examples: gen.outputs.examples, transformGraph: transform.outputs.transformGraph },
  {
    run: {
      model: {
        type: 'sequential',
        layers: [
          // The Trainer sets the input width to the Transform's output (3 z-scores + 4 buckets + 3 + 1 OOV).
          { type: 'dense', units: 16, activation: 'relu' },
          { type: 'dense', units: 3, activation: 'softmax' },
        ],
      },
      compile: {
        optimizer: { type: 'adam', learningRate: 0.02 },
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
      },
      epochs: Number(process.env.EPOCHS ?? 60),
      strategy: process.env.STRATEGY ?? 'one-device',
    },
    batchSize: 16,
    seed: 7,
  },
);
const evaluator = Evaluator(
  { examples: gen.outputs.examples, model: trainer.outputs.model },
  {
    slices: ['species'],
    thresholds: {
      accuracy: {
        lowerBound: Number(process.env.MIN_ACCURACY ?? 0.8),
        change: { direction: 'higher', absolute: -0.05 },
      },
    },
  },
);
const pusher = Pusher(
  { model: trainer.outputs.model, blessing: evaluator.outputs.blessing },
  { destination: path.join(root, 'serving/iris') },
);

export default definePipeline({
  name: 'iris',
  root,
  components: [gen, stats, schema, validator, transform, trainer, evaluator, pusher],
  image: 'ghcr.io/tfscale/tfscale:0.1.0',
});
