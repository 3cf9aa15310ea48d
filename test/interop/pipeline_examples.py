"""tf.Example interop and reference statistics for test/pipeline-interop.test.ts.

  read  <tfrecord> <spec.json>   parse with tf.data.TFRecordDataset + tf.io.parse_example, print values
  stats <tfrecord> <spec.json>   the same records' statistics with numpy / collections, print JSON
  write <tfrecord>               write tf.train.Example records with TensorFlow, print what was written
  quantiles <tfrecord> <spec.json> <feature> <q,q,...>   numpy.quantile of one feature

spec.json maps feature name -> "float" | "int64" | "bytes".
"""
import collections
import json
import sys

import numpy as np
import tensorflow as tf

DTYPES = {"float": tf.float32, "int64": tf.int64, "bytes": tf.string}


def parsed(path, spec):
    features = {name: tf.io.VarLenFeature(DTYPES[kind]) for name, kind in spec.items()}
    rows = []
    for batch in tf.data.TFRecordDataset(path).batch(4096):
        out = tf.io.parse_example(batch, features)
        ragged = {name: tf.RaggedTensor.from_sparse(t).to_list() for name, t in out.items()}
        n = int(batch.shape[0])
        for i in range(n):
            row = {}
            for name, kind in spec.items():
                vals = ragged[name][i]
                if kind == "bytes":
                    vals = [v.decode("utf-8") for v in vals]
                else:
                    vals = [float(v) if kind == "float" else int(v) for v in vals]
                row[name] = vals
            rows.append(row)
    return rows


def stats(rows, spec):
    out = {"num_examples": len(rows), "features": {}}
    for name, kind in spec.items():
        present = [r[name] for r in rows if r[name]]
        values = [v for vs in present for v in vs]
        f = {"count": len(present), "missing": len(rows) - len(present), "num_values": len(values)}
        if kind == "bytes":
            c = collections.Counter(values)
            f["unique"] = len(c)
            f["top"] = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        elif values:
            a = np.asarray(values, dtype=np.float64)
            counts, edges = np.histogram(a, bins=10)
            f.update(
                mean=float(a.mean()),
                std=float(a.std()),
                min=float(a.min()),
                max=float(a.max()),
                zeros=int((a == 0).sum()),
                quantiles=[float(q) for q in np.quantile(a, np.linspace(0, 1, 11))],
                histogram=[int(c) for c in counts],
                edges=[float(e) for e in edges],
            )
        out["features"][name] = f
    return out


def write(path):
    records = [
        {"x": ("float", [1.5, -2.25]), "n": ("int64", [7, -3, 2**40]), "s": ("bytes", ["héllo", ""])},
        {"x": ("float", [0.1]), "s": ("bytes", ["b"])},
        {"n": ("int64", [0]), "s": ("bytes", [])},
    ]
    with tf.io.TFRecordWriter(path) as w:
        for r in records:
            feats = {}
            for name, (kind, vals) in r.items():
                if kind == "float":
                    feats[name] = tf.train.Feature(float_list=tf.train.FloatList(value=vals))
                elif kind == "int64":
                    feats[name] = tf.train.Feature(int64_list=tf.train.Int64List(value=vals))
                else:
                    feats[name] = tf.train.Feature(bytes_list=tf.train.BytesList(value=[v.encode() for v in vals]))
            w.write(tf.train.Example(features=tf.train.Features(feature=feats)).SerializeToString())
    # float32 as TensorFlow stores it
    return [
        {n: (k, [float(np.float32(v)) for v in vs] if k == "float" else vs) for n, (k, vs) in r.items()}
        for r in records
    ]


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "write":
        print(json.dumps(write(sys.argv[2])))
    elif mode == "quantiles":
        spec = json.load(open(sys.argv[3]))
        values = [v for r in parsed(sys.argv[2], spec) for v in r[sys.argv[4]]]
        qs = [float(q) for q in sys.argv[5].split(",")]
        print(json.dumps([float(x) for x in np.quantile(np.asarray(values, dtype=np.float64), qs)]))
    else:
        spec = json.load(open(sys.argv[3]))
        rows = parsed(sys.argv[2], spec)
        print(json.dumps(rows if mode == "read" else stats(rows, spec)))
