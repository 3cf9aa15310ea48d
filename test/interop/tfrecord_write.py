"""Writes tf.Example TFRecord files with TensorFlow for test/tfrecord-source.test.ts.

usage: tfrecord_write.py OUT_DIR

Rows: x (float, FixedLen [4]), k (int64 scalar), label (int64 class id 0..2), note (bytes, unused).
Writes the rows as two uncompressed shards, one GZIP and one ZLIB file, a CSV of the same rows
(float32 values printed exactly), a file whose record #3 lacks `k`, and parsed.json: what
tf.io.parse_example makes of the shards (x ++ k per row, label), the reference for the reader.
"""
import json
import os
import sys

import numpy as np
import tensorflow as tf

out = sys.argv[1]
N = 120
rng = np.random.default_rng(7)
x = rng.normal(size=(N, 4)).astype(np.float32)
k = rng.integers(-5, 50, size=N).astype(np.int64)
label = (np.argmax(x[:, :3], axis=1)).astype(np.int64)


def example(i, drop=None):
    feature = {
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=x[i].tolist())),
        "k": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(k[i])])),
        "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(label[i])])),
        "note": tf.train.Feature(bytes_list=tf.train.BytesList(value=[f"row {i}".encode()])),
    }
    if drop:
        del feature[drop]
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def write(name, rows, compression=None, drop_at=None):
    options = tf.io.TFRecordOptions(compression_type=compression) if compression else None
    with tf.io.TFRecordWriter(os.path.join(out, name), options) as w:
        for i in rows:
            w.write(example(i, "k" if i == drop_at else None))


write("train-00000-of-00002.tfrecord", range(0, 70))
write("train-00001-of-00002.tfrecord", range(70, N))
write("all.tfrecord.gz", range(N), "GZIP")
write("all.tfrecord.zz", range(N), "ZLIB")
write("missing-k.tfrecord", range(6), drop_at=3)

with open(os.path.join(out, "train.csv"), "w") as f:
    f.write("x0,x1,x2,x3,k,label\n")
    for i in range(N):
        f.write(",".join([*(f"{v:.9g}" for v in x[i]), str(k[i]), str(label[i])]) + "\n")

spec = {
    "x": tf.io.FixedLenFeature([4], tf.float32),
    "k": tf.io.FixedLenFeature([], tf.int64),
    "label": tf.io.FixedLenFeature([], tf.int64),
}
files = [os.path.join(out, f"train-0000{s}-of-00002.tfrecord") for s in range(2)]
rows, labels = [], []
for batch in tf.data.TFRecordDataset(files).batch(32):
    parsed = tf.io.parse_example(batch, spec)
    rows += np.concatenate([parsed["x"].numpy(), parsed["k"].numpy()[:, None].astype(np.float32)], axis=1).tolist()
    labels += parsed["label"].numpy().tolist()
with open(os.path.join(out, "parsed.json"), "w") as f:
    json.dump({"x": rows, "y": labels}, f)
