"""Loads tfscale-written SavedModels with TensorFlow itself and reports what it sees.

Usage: savedmodel_check.py MANIFEST_JSON

MANIFEST_JSON: {"cases": [{"name", "dir", "inputs": {key: npy}, "expected": {key: npy},
"variables": [[name, npy]]}, ...]}. One process for all cases (importing TensorFlow dominates).

Prints one JSON object {name: report}; each report has:
  signature: {"inputs"|"outputs": {key: [dtype, shape]}} as the loaded concrete function sees it
  v2: {key: [shape, max_abs_err, max_abs_expected]} from tf.saved_model.load (load_v1_in_v2)
  v1: the same from tf.compat.v1.saved_model.load into a Session (the C++ loader's path:
      restore op fed with variables/variables, then the signature's tensors fetched)
  restored: {variable: max_abs_err} of each variable after restore vs the tfjs weights
  saved: {variable: max_abs_err} of the checkpoint the graph's own save op writes (SaverDef
      save_tensor_name), read back with tf.train.load_checkpoint
  attr_problems: nodes whose attrs differ from their op's registered OpDef (missing/unknown)
  cli: the text `saved_model_cli show --all` prints for the folder
  error: set instead of the above when loading failed
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import traceback

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402
from tensorflow.python.tools import saved_model_cli  # noqa: E402

tf.get_logger().setLevel("ERROR")


def compare(got, expected):
    got = np.asarray(got)
    return [list(got.shape), float(np.max(np.abs(got - expected))) if got.shape == expected.shape else None,
            float(np.max(np.abs(expected)))]


def spec(s):
    return [s.dtype.name, [-1 if d is None else d for d in s.shape.as_list()]]


def attr_problems(meta_graph):
    problems = []
    for node in meta_graph.graph_def.node:
        op_def = op_def_registry.get(node.op)
        if op_def is None:
            problems.append(f"{node.name}: unknown op {node.op}")
            continue
        want = {a.name for a in op_def.attr}
        have = {k for k in node.attr.keys() if not k.startswith("_")}
        if want != have:
            problems.append(f"{node.name} ({node.op}): missing {sorted(want - have)}, unknown {sorted(have - want)}")
    return problems


def check(case):
    d = case["dir"]
    inputs = {k: np.load(v) for k, v in case["inputs"].items()}
    expected = {k: np.load(v) for k, v in case["expected"].items()}
    variables = {name: np.load(path) for name, path in case["variables"]}
    report = {}

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(d, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    meta_graph = sm.meta_graphs[0]
    report["attr_problems"] = attr_problems(meta_graph)

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        saved_model_cli._show_all(d)  # what `saved_model_cli show --dir D --all` runs
    report["cli"] = out.getvalue()

    loaded = tf.saved_model.load(d)
    fn = loaded.signatures["serving_default"]
    report["signature"] = {
        "inputs": {k: spec(s) for k, s in fn.structured_input_signature[1].items()},
        "outputs": {k: spec(s) for k, s in fn.structured_outputs.items()},
    }
    result = fn(**{k: tf.constant(v) for k, v in inputs.items()})
    report["v2"] = {k: compare(result[k].numpy(), expected[k]) for k in expected}

    signature = meta_graph.signature_def["serving_default"]
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        tf.compat.v1.saved_model.load(sess, ["serve"], d)
        feed = {signature.inputs[k].name: v for k, v in inputs.items()}
        fetched = sess.run({k: signature.outputs[k].name for k in expected}, feed_dict=feed)
        report["v1"] = {k: compare(fetched[k], expected[k]) for k in expected}
        graph = sess.graph
        report["restored"] = {}
        for name, value in variables.items():
            handle = graph.get_tensor_by_name(f"{name}:0")
            read = tf.raw_ops.ReadVariableOp(resource=handle, dtype=tf.as_dtype(value.dtype))
            report["restored"][name] = float(np.max(np.abs(sess.run(read) - value)))
        saver_def = meta_graph.saver_def
        report["saved"] = {}
        if not meta_graph.HasField("saver_def"):
            return report
        with tempfile.TemporaryDirectory() as tmp:
            prefix = os.path.join(tmp, "ckpt")
            sess.run(saver_def.save_tensor_name, {saver_def.filename_tensor_name: prefix})
            reader = tf.train.load_checkpoint(prefix)
            report["saved"] = {
                name: float(np.max(np.abs(reader.get_tensor(name) - value))) for name, value in variables.items()
            }
    return report


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    reports = {}
    for case in manifest["cases"]:
        try:
            reports[case["name"]] = check(case)
        except Exception:  # noqa: BLE001 - reported to the test, which fails with the traceback
            reports[case["name"]] = {"error": traceback.format_exc()}
    print(json.dumps(reports))


if __name__ == "__main__":
    main()
