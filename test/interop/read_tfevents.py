"""Reads tfscale-written TensorBoard logs with TensorBoard and TensorFlow themselves.

Usage: read_tfevents.py LOGDIR [HISTOGRAM_VALUES_JSON]

Prints one JSON object:
  runs.<train|validation>: what tensorboard's EventAccumulator loads (size_guidance 0 = all):
    scalars: {tag: [[step, value], ...]}
    histograms: {tag: [[step, min, max, num, sum, sum_squares, bucket_limit, bucket], ...]}
    tensors: {tag: [[step, dtype, plugin_name, string_vals], ...]}
    keras_graph_nodes: node names TensorBoard's graph plugin draws from the `keras` summary
    plugins: {tag: plugin name} as TensorBoard's UI data path (plugin_event_accumulator, with
      its legacy-summary migration) sees them
  records.<file name>: every record read by tf.data.TFRecordDataset (CRCs checked) and parsed
    with tf.compat.v1.Event.FromString: [[wall_time, step, kind, tags], ...]
  reference_histogram: the HistogramProto TensorFlow's own HistogramSummary op computes for the
    float32 values in HISTOGRAM_VALUES_JSON (when given).
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.backend.event_processing import plugin_event_accumulator  # noqa: E402
from tensorboard.plugins.graph import keras_util  # noqa: E402


def histogram_row(step, h):
    return [step, h.min, h.max, h.num, h.sum, h.sum_squares, list(h.bucket_limit), list(h.bucket)]


def load_run(path):
    acc = event_accumulator.EventAccumulator(
        path,
        size_guidance={
            event_accumulator.SCALARS: 0,
            event_accumulator.HISTOGRAMS: 0,
            event_accumulator.TENSORS: 0,
        },
    )
    acc.Reload()
    tags = acc.Tags()
    run = {"scalars": {}, "histograms": {}, "tensors": {}, "keras_graph_nodes": None}
    for tag in tags["scalars"]:
        run["scalars"][tag] = [[e.step, e.value] for e in acc.Scalars(tag)]
    for tag in tags["histograms"]:
        run["histograms"][tag] = [histogram_row(e.step, e.histogram_value) for e in acc.Histograms(tag)]
    for tag in tags["tensors"]:
        plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
        rows = []
        for e in acc.Tensors(tag):
            strings = [s.decode("utf-8") for s in e.tensor_proto.string_val]
            rows.append([e.step, e.tensor_proto.dtype, plugin, strings])
            if plugin == "graph_keras_model":
                graph = keras_util.keras_model_to_graph_def(json.loads(strings[0]))
                run["keras_graph_nodes"] = [[n.name, list(n.input)] for n in graph.node]
        run["tensors"][tag] = rows
    modern = plugin_event_accumulator.EventAccumulator(path, size_guidance={"tensors": 0})
    modern.Reload()
    run["plugins"] = {tag: modern.SummaryMetadata(tag).plugin_data.plugin_name for tag in modern.Tags()["tensors"]}
    return run


def read_records(path):
    out = {}
    for name in sorted(os.listdir(path)):
        rows = []
        for record in tf.data.TFRecordDataset([os.path.join(path, name)]):
            event = tf.compat.v1.Event.FromString(record.numpy())
            kind = event.WhichOneof("what")
            tags = [v.tag for v in event.summary.value] if kind == "summary" else []
            rows.append([event.wall_time, event.step, kind, tags] + ([event.file_version] if kind == "file_version" else []))
        out[name] = rows
    return out


def reference_histogram(values_path):
    with open(values_path) as f:
        values = json.load(f)
    summary = tf.compat.v1.summary.histogram("h", tf.constant(values, dtype=tf.float32))
    h = tf.compat.v1.Summary.FromString(summary.numpy()).value[0].histo
    return histogram_row(0, h)[1:]


def main():
    logdir = sys.argv[1]
    result = {"runs": {}, "records": {}}
    for run in ("train", "validation"):
        path = os.path.join(logdir, run)
        if os.path.isdir(path):
            result["runs"][run] = load_run(path)
            result["records"][run] = read_records(path)
    if len(sys.argv) > 2:
        result["reference_histogram"] = reference_histogram(sys.argv[2])
    print(json.dumps(result))


if __name__ == "__main__":
    main()
