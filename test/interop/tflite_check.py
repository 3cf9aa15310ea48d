"""Loads tfscale's .tflite exports in TensorFlow 2.21's tf.lite.Interpreter and reports how
their predictions compare with tfjs' (read from .npy files), for tflite-interop.test.ts.

Usage: python tflite_check.py manifest.json  ->  JSON report on stdout.

For every case and every model variant (float, int8):
- `default`: the interpreter as users get it (XNNPACK delegate), through the signature runner,
  at the case's batch size (the runner resizes the batch-1 model);
- `reference`: the builtin reference kernels without delegates, inputs resized with
  resize_tensor_input(strict=True), which checks the shape signature allows it;
- `batch1`: the first sample at the static batch-1 shape, no resize.
Each comparison is [shape, max |got - expected|, max |expected|]. `weights` reads every int8
constant and its float32 counterpart (same tensor name in the float model) and reports the
quantization error in units of the channel's step. An optional `keras` entry rebuilds a Dense
model in Keras with the same weights and converts it with TensorFlow's own converter
(Optimize.DEFAULT), for comparison.
"""

import json
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

REFERENCE = tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES


def compare(got, expected):
    got = np.asarray(got)
    err = float(np.max(np.abs(got.astype(np.float64) - expected))) if expected.size else 0.0
    return [list(got.shape), err, float(np.max(np.abs(expected))) if expected.size else 0.0]


def io_details(it):
    sig = it.get_signature_list()["serving_default"]
    runner = it.get_signature_runner("serving_default")
    ins = runner.get_input_details()
    outs = runner.get_output_details()
    describe = lambda d: [np.dtype(d["dtype"]).name, d["shape_signature"].tolist()]  # noqa: E731
    return sig, {
        "inputs": {k: describe(v) for k, v in ins.items()},
        "outputs": {k: describe(v) for k, v in outs.items()},
    }


def signature_indices(it):
    """Tensor indices of the signature's inputs and outputs, by key."""
    runner = it.get_signature_runner("serving_default")
    ins = {k: int(v["index"]) for k, v in runner.get_input_details().items()}
    outs = {k: int(v["index"]) for k, v in runner.get_output_details().items()}
    return ins, outs  # the runner is dropped: while it lives the interpreter refuses to resize


def run_reference(path, inputs, expected):
    it = tf.lite.Interpreter(model_path=path, experimental_op_resolver_type=REFERENCE)
    ins, outs = signature_indices(it)
    for key, value in inputs.items():
        it.resize_tensor_input(ins[key], list(value.shape), strict=True)
    it.allocate_tensors()
    for key, value in inputs.items():
        it.set_tensor(ins[key], value)
    it.invoke()
    return {k: compare(it.get_tensor(outs[k]), expected[k]) for k in expected}


def run_batch1(path, inputs, expected):
    it = tf.lite.Interpreter(model_path=path)
    it.allocate_tensors()
    ins, outs = signature_indices(it)
    for key, value in inputs.items():
        if list(it._get_tensor_details(ins[key], 0)["shape"]) != list(value[:1].shape):
            # Unknown non-batch dimensions (a free sequence length): resize those, batch stays 1.
            it.resize_tensor_input(ins[key], list(value[:1].shape), strict=True)
    it.allocate_tensors()
    for key, value in inputs.items():
        it.set_tensor(ins[key], value[:1])
    it.invoke()
    return {k: compare(it.get_tensor(outs[k]), expected[k][:1]) for k in expected}


def weight_errors(int8_path, float_path):
    """Per int8 constant: max |dequantized - float| / step, value range, zero points."""
    q_it = tf.lite.Interpreter(model_path=int8_path, experimental_op_resolver_type=REFERENCE)
    f_it = tf.lite.Interpreter(model_path=float_path, experimental_op_resolver_type=REFERENCE)
    q_it.allocate_tensors()
    f_it.allocate_tensors()
    floats = {d["name"]: d for d in f_it.get_tensor_details()}
    report = []
    for d in q_it.get_tensor_details():
        if d["dtype"] != np.int8 or not d["quantization_parameters"]["scales"].size:
            continue  # not quantized, or a hybrid kernel's scratch tensor
        if d["name"] not in floats:
            continue  # an activation (the gathered int8 rows), not a weight
        q = q_it.get_tensor(d["index"])
        params = d["quantization_parameters"]
        scales = params["scales"]
        dim = int(params["quantized_dimension"])
        w = f_it.get_tensor(floats[d["name"]]["index"]).astype(np.float64)
        shape = [1] * q.ndim
        if scales.size > 1:
            shape[dim] = scales.size
        step = scales.astype(np.float64).reshape(shape)
        deq = q.astype(np.float64) * step
        axes = tuple(i for i in range(q.ndim) if scales.size == 1 or i != dim)
        max_abs = np.max(np.abs(w), axis=axes).reshape(-1)
        report.append(
            {
                "name": d["name"],
                "channels": int(scales.size),
                "dimension": dim,
                "max_err_in_steps": float(np.max(np.abs(deq - w) / step)),
                "q_range": [int(q.min()), int(q.max())],
                "zero_points": sorted({int(z) for z in params["zero_points"]}),
                "max_scale_rel_err": float(np.max(np.abs(scales.astype(np.float64) * 127 - max_abs) / max_abs)),
            }
        )
    return report


def check_model(path, inputs, expected):
    it = tf.lite.Interpreter(model_path=path)
    sig, details = io_details(it)
    runner = it.get_signature_runner("serving_default")
    got = runner(**inputs)
    return {
        "size": os.path.getsize(path),
        "signature": details,
        "signature_list": sig,
        "ops": sorted({op["op_name"] for op in it._get_ops_details()}),
        "default": {k: compare(got[k], expected[k]) for k in expected},
        "reference": run_reference(path, inputs, expected),
        "batch1": run_batch1(path, inputs, expected),
    }


def keras_comparison(spec, our_int8_path):
    """TensorFlow's converter on the same Dense model: sizes, weights and outputs vs ours."""
    layers = [tf.keras.Input(shape=(spec["input_dim"],))]
    model = tf.keras.Sequential(
        layers + [tf.keras.layers.Dense(l["units"], activation=l["activation"]) for l in spec["layers"]]
    )
    for layer, l in zip(model.layers, spec["layers"]):
        layer.set_weights([np.load(l["kernel"]), np.load(l["bias"])])
    x = np.load(spec["input"])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    float_bytes = converter.convert()
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    int8_bytes = converter.convert()
    out = {"keras": model.predict(x, verbose=0).tolist()}
    for name, content in (("tf_float", float_bytes), ("tf_int8", int8_bytes)):
        it = tf.lite.Interpreter(model_content=content)
        runner = it.get_signature_runner()
        (value,) = runner(**{runner.get_input_details().popitem()[0]: x}).values()
        out[name] = {"size": len(content), "output": value.tolist()}
    # Their FC weights against ours, in converter order (largest first is not assumed: by shape).
    ours = tf.lite.Interpreter(model_path=our_int8_path, experimental_op_resolver_type=REFERENCE)
    theirs = tf.lite.Interpreter(model_content=int8_bytes, experimental_op_resolver_type=REFERENCE)
    ours.allocate_tensors()
    theirs.allocate_tensors()
    int8 = lambda it: {  # noqa: E731
        tuple(d["shape"]): (it.get_tensor(d["index"]), d["quantization_parameters"])
        for d in it.get_tensor_details()
        if d["dtype"] == np.int8 and d["shape"].size == 2 and d["quantization_parameters"]["scales"].size
    }
    mine, tf_q = int8(ours), int8(theirs)
    out["weights"] = []
    for shape, (q, params) in tf_q.items():
        if shape not in mine:
            out["weights"].append({"shape": [int(x) for x in shape], "missing": True})
            continue
        mq, mparams = mine[shape]
        out["weights"].append(
            {
                "shape": [int(x) for x in shape],
                "max_q_diff": int(np.max(np.abs(mq.astype(np.int32) - q.astype(np.int32)))),
                "max_scale_rel_diff": float(np.max(np.abs(mparams["scales"] / params["scales"] - 1))),
                "tf_dimension": int(params["quantized_dimension"]),
                "tf_channels": int(params["scales"].size),
            }
        )
    return out


def main():
    # The report is the only thing on stdout: TensorFlow's converter prints there, so point
    # file descriptor 1 at stderr while working.
    report_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    manifest = json.load(open(sys.argv[1]))
    report = {}
    for case in manifest["cases"]:
        inputs = {k: np.load(v) for k, v in case["inputs"].items()}
        expected = {k: np.load(v).astype(np.float64) for k, v in case["expected"].items()}
        entry = {}
        for variant, path in case["models"].items():
            try:
                entry[variant] = check_model(path, inputs, expected)
            except Exception as e:  # reported per case; the test names it
                entry[variant] = {"error": f"{type(e).__name__}: {e}"}
        if "int8" in case["models"] and "float" in case["models"]:
            try:
                entry["weights"] = weight_errors(case["models"]["int8"], case["models"]["float"])
            except Exception as e:
                entry["weights_error"] = f"{type(e).__name__}: {e}"
        report[case["name"]] = entry
    if "keras" in manifest:
        try:
            report["__keras__"] = keras_comparison(manifest["keras"], manifest["keras"]["ours_int8"])
        except Exception as e:
            report["__keras__"] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(report, report_out)
    report_out.close()


if __name__ == "__main__":
    main()
