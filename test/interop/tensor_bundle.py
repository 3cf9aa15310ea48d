"""TensorFlow's side of the TensorBundle interop test (test/tensor-bundle-interop.test.ts).

Usage:
  tensor_bundle.py write DIR SPEC_JSON
      Writes, with TensorFlow itself:
        DIR/tf-ckpt/ckpt      tf.train.Checkpoint(...).write() of a few variables
        DIR/keras/            a Keras 3 model.export() SavedModel (variables/variables)
        DIR/savev2/bundle     tf.raw_ops.SaveV2 of the tensors in SPEC_JSON, in that order
  tensor_bundle.py read OUT_JSON PREFIX...
      Reads each bundle with tf.train.load_checkpoint (get_variable_to_shape_map /
      get_variable_to_dtype_map / get_tensor) and with tf.raw_ops.RestoreV2, and writes
      {prefix: {"tensors": {name: T}, "restored": {name: T}} | {"error": [class, message]}}
      where T = {"dtype": "float32", "shape": [..], "hex": "<little-endian bytes>"} or, for
      strings, {"dtype": "string", "shape": [..], "strings": ["<hex>", ...]}.

SPEC_JSON: [{"name", "dtype", "shape", "hex" | "strings"}] in the same encoding.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def to_json(value, dtype_name):
    if isinstance(value, bytes):  # a scalar string; np.asarray would drop trailing NUL bytes
        return {"dtype": dtype_name, "shape": [], "strings": [value.hex()]}
    array = np.asarray(value)
    out = {"dtype": dtype_name, "shape": list(array.shape)}
    if dtype_name == "string":
        out["strings"] = [v.hex() for v in array.reshape(-1)]
    else:
        out["hex"] = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes().hex()
    return out


def from_json(spec):
    if spec["dtype"] == "string":
        values = [bytes.fromhex(h) for h in spec["strings"]]
        return tf.constant(np.array(values, dtype=object).reshape(spec["shape"]), dtype=tf.string)
    dtype = np.dtype(spec["dtype"]).newbyteorder("<")
    return tf.constant(np.frombuffer(bytes.fromhex(spec["hex"]), dtype=dtype).reshape(spec["shape"]))


def write(out_dir, spec_path):
    ckpt = tf.train.Checkpoint(
        kernel=tf.Variable(np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4) / 7),
        step=tf.Variable(2**40 + 3, dtype=tf.int64),
        flags=tf.Variable([True, False, True]),
        counts=tf.Variable([[1, -2], [3, -4]], dtype=tf.int32),
        scale=tf.Variable(np.float64(0.1)),
        vocab=tf.Variable(["a", "", "héllo"]),
        empty=tf.Variable(np.zeros((0, 5), np.float32)),
    )
    ckpt.write(os.path.join(out_dir, "tf-ckpt", "ckpt"))

    import keras

    keras.utils.set_random_seed(7)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.BatchNormalization(), keras.layers.Dense(2)]
    )
    model.export(os.path.join(out_dir, "keras"), verbose=False)

    with open(spec_path) as f:
        specs = json.load(f)
    prefix = os.path.join(out_dir, "savev2", "bundle")
    tf.raw_ops.SaveV2(
        prefix=prefix,
        tensor_names=[s["name"] for s in specs],
        shape_and_slices=[""] * len(specs),
        tensors=[from_json(s) for s in specs],
    )


def read_one(prefix):
    reader = tf.train.load_checkpoint(prefix)
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
    names = sorted(shapes)
    tensors = {}
    for name in names:
        value = to_json(reader.get_tensor(name), dtypes[name].name)
        assert value["shape"] == list(shapes[name]), (name, value["shape"], shapes[name])
        tensors[name] = value
    restored = tf.raw_ops.RestoreV2(
        prefix=prefix,
        tensor_names=names,
        shape_and_slices=[""] * len(names),
        dtypes=[dtypes[n] for n in names],
    )
    return {
        "tensors": tensors,
        "restored": {n: to_json(t.numpy(), dtypes[n].name) for n, t in zip(names, restored)},
    }


def read(out_path, prefixes):
    report = {}
    for prefix in prefixes:
        try:
            report[prefix] = read_one(prefix)
        except Exception as err:  # noqa: BLE001 - the class is the answer for corrupted bundles
            report[prefix] = {"error": [type(err).__name__, str(err)]}
    with open(out_path, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "write":
        write(*args)
    elif command == "read":
        read(args[0], args[1:])
    else:
        sys.exit(f"unknown command {command!r}")
