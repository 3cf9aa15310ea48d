import assert from 'node:assert/strict';
import { expectCodedError } from '../testing/conformance/helpers';
import { computeHistogram, defaultBucketLimits } from './histogram';

const DBL_MAX = Number.MAX_VALUE;

// Produced by TensorFlow 2.21: tf.compat.v1.summary.histogram('h', tf.constant(values, tf.float32)).
const TF_REFERENCE = [
  {
    values: [0.5, -1, 2, 2, 1e-13, 0],
    expected: {
      min: -1,
      max: 2,
      num: 6,
      sum: 3.5000000000001,
      sumSquares: 9.25,
      bucketLimit: [
        -1.0089710279437536,
        -0.917246389039776,
        0,
        1e-12,
        0.47069243095356195,
        0.5177616740489182,
        1.9661990955585713,
        2.1628190051144287,
        DBL_MAX,
      ],
      bucket: [0, 1, 0, 2, 0, 1, 0, 2, 0],
    },
  },
  {
    values: [],
    expected: { min: DBL_MAX, max: -DBL_MAX, num: 0, sum: 0, sumSquares: 0, bucketLimit: [DBL_MAX], bucket: [0] },
  },
  {
    values: [3],
    expected: {
      min: 3,
      max: 3,
      num: 1,
      sum: 3,
      sumSquares: 9,
      bucketLimit: [2.8787120958073054, 3.1665833053880363, DBL_MAX],
      bucket: [0, 1, 0],
    },
  },
];

describe('formats/histogram', () => {
  it("has TensorFlow's default bucket limits: ±1e-12 ×1.1 up to 1e20, ±DBL_MAX, and 0", () => {
    const limits = defaultBucketLimits();
    assert.equal(limits.length, 1551);
    assert.equal(limits[0], -DBL_MAX);
    assert.equal(limits[775], 0);
    assert.equal(limits[776], 1e-12);
    assert.equal(limits[777], 1e-12 * 1.1);
    assert.equal(limits.at(-1), DBL_MAX);
    for (let i = 1; i < limits.length; i++) assert.ok(limits[i]! > limits[i - 1]!);
  });

  for (const { values, expected } of TF_REFERENCE) {
    it(`matches TensorFlow's HistogramSummary bit for bit for [${values.join(', ')}]`, () => {
      assert.deepEqual(computeHistogram(new Float32Array(values)), expected);
    });
  }

  it('keeps every empty bucket when asked', () => {
    const h = computeHistogram([1], { preserveZeroBuckets: true });
    assert.equal(h.bucket!.length, 1551);
    assert.equal(
      h.bucket!.reduce((a, b) => a + b, 0),
      1,
    );
  });

  it('refuses NaN and Infinity, naming the value', async () => {
    const err = await expectCodedError(
      () => computeHistogram([1, Number.NaN], { name: 'dense/kernel' }),
      'TFSCALE_E_INVALID_VALUE',
    );
    assert.match(err.message, /Invalid value for `dense\/kernel\[1\]`\. Received: dense\/kernel\[1\]=NaN/);
    await expectCodedError(() => computeHistogram([Number.POSITIVE_INFINITY]), 'TFSCALE_E_INVALID_VALUE');
  });
});
