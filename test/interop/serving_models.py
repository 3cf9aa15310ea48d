"""Writes the SavedModels the REST wire tests serve, with TensorFlow's own answers as JSON:

* <out>/keras/1: a two-input, two-output Keras model saved by `model.export` (TF2 SavedModel);
* <out>/half/123: TF Serving's testdata half_plus_two, built as its saved_model_half_plus_two.py
  does (TF1 SavedModelBuilder): y = 0.5 x + 2 with predict, regress and classify signatures over
  serialized tf.Examples, plus a `bytes` signature (string in, `echo_bytes` and lengths out).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

out, json_path = sys.argv[1], sys.argv[2]
answers = {}

# Keras: two inputs, two outputs.
keras.utils.set_random_seed(5)
a = keras.Input(shape=(4,), name="a")
b = keras.Input(shape=(2,), name="b")
h = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
probs = keras.layers.Dense(3, activation="softmax", name="probs")(h)
score = keras.layers.Dense(1, name="score")(h)
model = keras.Model({"a": a, "b": b}, {"probs": probs, "score": score})
model.export(os.path.join(out, "keras", "1"))
rng = np.random.default_rng(11)
xa = rng.standard_normal((3, 4)).astype("float32")
xb = rng.standard_normal((3, 2)).astype("float32")
fn = tf.saved_model.load(os.path.join(out, "keras", "1")).signatures["serving_default"]
result = fn(a=tf.constant(xa), b=tf.constant(xb))
answers["keras"] = {
    "a": xa.tolist(),
    "b": xb.tolist(),
    "outputs": {k: v.numpy().tolist() for k, v in result.items()},
    "inputKeys": sorted(fn.structured_input_signature[1].keys()),
}

# half_plus_two, TF1 style, as TF Serving's testdata generator writes it.
v1 = tf.compat.v1
with tf.Graph().as_default():
    serialized = v1.placeholder(tf.string, name="tf_example")
    features = v1.parse_example(serialized, {"x": v1.FixedLenFeature([1], dtype=tf.float32)})
    x = tf.identity(features["x"], name="x")
    wa = v1.Variable(0.5, name="a")
    wb = v1.Variable(2.0, name="b")
    y = tf.add(tf.multiply(wa, x), wb, name="y")
    s = v1.placeholder(tf.string, shape=[None], name="s")
    lengths = tf.strings.length(s, name="lengths")
    echo = tf.identity(s, name="echo")
    info = v1.saved_model.utils.build_tensor_info
    sig = v1.saved_model.signature_def_utils
    consts = v1.saved_model.signature_constants
    predict = sig.build_signature_def({"x": info(x)}, {"y": info(y)}, consts.PREDICT_METHOD_NAME)
    regress = sig.build_signature_def({"inputs": info(serialized)}, {"outputs": info(y)}, consts.REGRESS_METHOD_NAME)
    classify = sig.build_signature_def({"inputs": info(serialized)}, {"scores": info(y)}, consts.CLASSIFY_METHOD_NAME)
    strings = sig.build_signature_def(
        {"s": info(s)}, {"lengths": info(lengths), "echo_bytes": info(echo)}, consts.PREDICT_METHOD_NAME
    )
    with v1.Session() as sess:
        sess.run(v1.global_variables_initializer())
        builder = v1.saved_model.Builder(os.path.join(out, "half", "123"))
        builder.add_meta_graph_and_variables(
            sess,
            [v1.saved_model.tag_constants.SERVING],
            signature_def_map={
                "serving_default": predict,
                "tensorflow/serving/regress": regress,
                "tensorflow/serving/classify": classify,
                "bytes": strings,
            },
        )
        builder.save()
        examples = [
            tf.train.Example(features=tf.train.Features(feature={"x": tf.train.Feature(float_list=tf.train.FloatList(value=[v]))}))
            for v in (1.0, 2.0)
        ]
        answers["half"] = {
            "regress": sess.run(y, {serialized: [e.SerializeToString() for e in examples]}).reshape(-1).tolist()
        }

json.dump(answers, open(json_path, "w"))
