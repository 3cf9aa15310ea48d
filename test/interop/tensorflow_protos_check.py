"""TensorFlow 2.21's own descriptors of the messages and enums tfscale's tensorflowRoot() ships.

stdin: JSON {"messages": [full names], "enums": [full names]}
stdout: JSON {"messages": {name: {camelCaseField: [number, type, label]} | null},
              "enums": {name: {value: number} | null}}  (null: TensorFlow has no such name)"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from google.protobuf import descriptor_pool  # noqa: E402
from tensorflow.core.framework import graph_pb2, summary_pb2  # noqa: E402,F401
from tensorflow.core.framework import tensor_slice_pb2, versions_pb2  # noqa: E402,F401
from tensorflow.core.protobuf import saved_model_pb2, saver_pb2, tensor_bundle_pb2  # noqa: E402,F401
from tensorflow.core.util import event_pb2  # noqa: E402,F401

req = json.load(sys.stdin)
pool = descriptor_pool.Default()


def find(lookup, name):
    try:
        return lookup(name)
    except KeyError:
        return None


out = {"messages": {}, "enums": {}}
for name in req["messages"]:
    d = find(pool.FindMessageTypeByName, name)
    # camelCase names: tensorflowRoot() parses with keepCase false.
    fields = d.fields if d else []
    out["messages"][name] = d and {f.camelcase_name: [f.number, f.type, 3 if f.is_repeated else 1] for f in fields}
for name in req["enums"]:
    e = find(pool.FindEnumTypeByName, name)
    out["enums"][name] = e and {v.name: v.number for v in e.values}
json.dump(out, sys.stdout)
