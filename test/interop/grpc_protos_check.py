"""TensorFlow's own view of the protos tfscale ships and of the TensorProtos it reads and writes.

stdin: JSON {"messages": [full names], "enums": [full names], "tensors": [{"b64", "dtype"}]}
stdout: JSON {"messages": {name: [[field, number, type, label]]}, "enums": {name: {value: number}},
              "tensors": [{"shape", "values"} | {"error"}]}
Tensors are parsed by tf.io.parse_tensor, i.e. the C++ Tensor::FromProto TF Serving uses."""
import base64
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from google.protobuf import descriptor_pool  # noqa: E402
from tensorflow.core.example import example_pb2, feature_pb2  # noqa: E402,F401
from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2  # noqa: E402,F401
from tensorflow.core.protobuf import error_codes_pb2, meta_graph_pb2  # noqa: E402,F401

req = json.load(sys.stdin)
pool = descriptor_pool.Default()
out = {"messages": {}, "enums": {}, "tensors": []}
for name in req["messages"]:
    d = pool.FindMessageTypeByName(name)
    out["messages"][name] = [[f.name, f.number, f.type, 3 if f.is_repeated else 1] for f in d.fields]
for name in req["enums"]:
    e = pool.FindEnumTypeByName(name)
    out["enums"][name] = {v.name: v.number for v in e.values}


def plain(v):
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, (np.integer,)):
        return str(int(v))
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    return float(v)


for t in req["tensors"]:
    try:
        value = tf.io.parse_tensor(base64.b64decode(t["b64"]), getattr(tf, t["dtype"])).numpy()
        out["tensors"].append({"shape": list(value.shape), "values": [plain(v) for v in value.reshape(-1)]})
    except Exception as e:  # noqa: BLE001
        out["tensors"].append({"error": type(e).__name__})
json.dump(out, sys.stdout)
