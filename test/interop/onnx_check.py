"""Checks tfscale-written ONNX models with the ONNX checker and runs them in Python ONNX Runtime.

Usage: onnx_check.py MANIFEST_JSON

MANIFEST_JSON: {"cases": [{"name", "model", "runs": [{"inputs": {key: npy}, "expected": {key: npy}}]}]}.

Prints one JSON object {name: report}; each report has:
  check: "ok", or the message of onnx.checker.check_model(model, full_check=True)
  opset: {domain: version} of the model's opset_import; ir_version
  inputs / outputs: {name: [elem_type name, [dim_value or dim_param, ...]]} as the graph declares
  runs: per run, {key: [shape, max_abs_err, violations]} of onnxruntime's outputs against the
      expected npy; violations counts elements failing |got - want| <= 1e-5 + 1e-5 * |want|
  error: set instead of runs when the session could not be created or run
"""

import json
import sys
import traceback

import numpy as np
import onnx
import onnxruntime as ort


def dims(value_info):
    shape = value_info.type.tensor_type.shape
    return [d.dim_param if d.HasField("dim_param") else d.dim_value for d in shape.dim]


def describe(values):
    return {
        v.name: [onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type), dims(v)]
        for v in values
    }


def check(case):
    model = onnx.load(case["model"])
    report = {
        "ir_version": model.ir_version,
        "opset": {o.domain: o.version for o in model.opset_import},
        "inputs": describe(model.graph.input),
        "outputs": describe(model.graph.output),
    }
    try:
        onnx.checker.check_model(model, full_check=True)
        report["check"] = "ok"
    except Exception as err:  # noqa: BLE001 - the message is the report
        report["check"] = str(err)
    try:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(case["model"], options, providers=["CPUExecutionProvider"])
        runs = []
        for run in case["runs"]:
            feeds = {key: np.load(path) for key, path in run["inputs"].items()}
            names = list(run["expected"].keys())
            got = dict(zip(names, session.run(names, feeds)))
            result = {}
            for key, path in run["expected"].items():
                want = np.load(path)
                g = np.asarray(got[key], dtype=np.float64)
                w = want.astype(np.float64)
                if g.shape != w.shape:
                    result[key] = [list(g.shape), None, None]
                    continue
                err = np.abs(g - w)
                result[key] = [list(g.shape), float(err.max(initial=0)), int((err > 1e-5 + 1e-5 * np.abs(w)).sum())]
            runs.append(result)
        report["runs"] = runs
    except Exception:  # noqa: BLE001
        report["error"] = traceback.format_exc()
    return report


def main():
    with open(sys.argv[1]) as f:
        manifest = json.load(f)
    print(json.dumps({case["name"]: check(case) for case in manifest["cases"]}))


if __name__ == "__main__":
    main()
