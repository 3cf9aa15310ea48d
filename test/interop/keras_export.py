"""Exports a small Keras model as a SavedModel (Keras `model.export`) and writes, as JSON, random
inputs, the model's own predictions and the serving signature, for the TypeScript side to check."""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

out_dir, json_path = sys.argv[1], sys.argv[2]
keras.utils.set_random_seed(3)
inputs = keras.Input(shape=(12,), name="features")
h = keras.layers.Dense(16, activation="relu")(inputs)
h = keras.layers.Dense(8, activation="tanh")(h)
outputs = keras.layers.Dense(3, activation="softmax")(h)
model = keras.Model(inputs, outputs)
model.export(out_dir)

x = np.random.default_rng(7).standard_normal((5, 12)).astype("float32")
loaded = tf.saved_model.load(out_dir)
fn = loaded.signatures["serving_default"]
in_key = list(fn.structured_input_signature[1].keys())[0]
result = fn(**{in_key: tf.constant(x)})
out_key = list(result.keys())[0]
json.dump(
    {
        "inputKey": in_key,
        "outputKey": out_key,
        "x": x.tolist(),
        "y": result[out_key].numpy().tolist(),
        "keras": model.predict(x, verbose=0).tolist(),
    },
    open(json_path, "w"),
)
