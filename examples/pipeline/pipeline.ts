/**
 * The TFX chapter's pipeline on the UCI Iris data: ExampleGen → StatisticsGen → SchemaGen →
 * ExampleValidator → Transform → Trainer → Evaluator → Pusher. Run it with
 * `npx tfscale pipeline run examples/dist/pipeline/pipeline.js` after `npm run build` (see README.md).
 * `EPOCHS`, `STRATEGY`, `MIN_ACCURACY` and `PIPELINE_ROOT` override the defaults (the tests use them).
 */
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

const gen = ExampleGen({}, { input: path.join(here, 'data/iris.csv') });
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
      petal_width: { op: 'zscore' },
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
          { type: 'dense', units: 16, activation: 'relu', inputShape: [4] },
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
