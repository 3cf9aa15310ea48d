"""Keras 3 side of test/keras-interop.test.ts.

make <dir>: builds Keras models (a Sequential CNN with Conv2D, pooling, BatchNormalization,
  Dropout and Dense; a functional model with three inputs, a shared layer, a nested Sequential and
  two outputs), trains them a little so BatchNormalization statistics move, saves each as .keras
  and .h5, and writes seeded inputs and Keras' own predictions as .npy plus manifest.json. Also
  writes tf_keras2.h5, a model laid out as tf.keras 2.x's model.save('x.h5') (tf_keras is not on
  this machine's package mirror, so the layout is written here with h5py; `check` proves Keras 3's
  own legacy loader reads it identically), and unsupported.keras/.h5 with a Conv1D layer.
check <manifest.json>: loads every case's .keras with keras.saving.load_model, predicts its inputs
  and prints, per output, [shape, max |error| against the expected .npy, max |expected|].
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402

L = keras.layers


def seq_cnn():
    return keras.Sequential(
        [
            keras.Input((12, 12, 3)),
            L.Conv2D(8, 3, padding="same", activation="relu"),
            L.BatchNormalization(),
            L.MaxPooling2D(2),
            L.Conv2D(6, (3, 2), strides=2, activation="tanh"),
            L.AveragePooling2D(2, strides=1, padding="same"),
            L.Flatten(),
            L.Dropout(0.3),
            L.Dense(16, activation="relu"),
            L.Dense(5, activation="softmax"),
        ],
        name="seq_cnn",
    )


def multi_input():
    features = keras.Input((6,), name="features")
    image = keras.Input((5, 5, 2), name="image")
    ids = keras.Input((7,), dtype="int32", name="token_ids")
    a = L.Dense(4, activation="gelu")(features)
    b = L.Conv2D(4, 3, padding="same", activation="relu")(image)
    b = L.BatchNormalization()(b)
    b = L.GlobalMaxPooling2D()(b)
    e = L.Embedding(20, 4)(ids)
    e = L.LayerNormalization()(e)
    e = L.Flatten()(e)
    e = L.Dense(4, activation="silu")(e)
    shared = L.Dense(4, name="shared")
    sa, sb = shared(a), shared(b)
    tower = keras.Sequential([keras.Input((4,)), L.Dense(3, activation="elu"), L.Dense(4)], name="tower")
    s = L.Add()([sa, sb, tower(e)])
    both = L.Concatenate()([a, b, s])
    probs = L.Dense(3, activation="softmax", name="probs")(both)
    score = L.Dense(1, name="score")(L.Multiply()([sa, sb]))
    return keras.Model([features, image, ids], [probs, score], name="multi_input")


def all_layers():
    """Every layer class tfscale supports, each with Keras' own config, and most activations."""
    image = keras.Input((8, 8, 3), name="image")
    ids = keras.Input((5,), dtype="int32", name="ids")
    x = L.Rescaling(0.5, offset=0.1)(image)
    x = L.Conv2D(4, 3, padding="same", activation="relu6")(x)
    x = L.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="silu")(x)
    x = L.BatchNormalization(momentum=0.9)(x)
    x = L.GaussianDropout(0.1)(L.GaussianNoise(0.1)(x))
    p1, p2 = L.MaxPooling2D(2)(x), L.AveragePooling2D(2, padding="same")(x)
    pooled = L.Average()([L.Maximum()([p1, p2]), L.Minimum()([p1, p2])])
    g = L.Concatenate()([L.GlobalAveragePooling2D()(pooled), L.GlobalMaxPooling2D()(pooled)])
    r = L.LayerNormalization(epsilon=1e-4)(L.SpatialDropout1D(0.2)(L.Reshape((4, 4))(g)))
    f = L.Dropout(0.1)(L.AlphaDropout(0.1)(L.Flatten()(r)))
    e = L.Flatten()(L.Embedding(10, 3)(ids))
    d = L.Dense(8, activation="mish")(L.Concatenate()([f, e]))
    a = L.Activation("log_softmax")(L.Dense(8, activation="elu")(d))
    h = L.Concatenate()([L.Add()([d, a]), L.Multiply()([d, a])])
    h = L.Dense(6, activation="softplus")(L.Dense(6, activation="softsign")(L.Dense(6, activation="gelu")(h)))
    out = L.Dense(3, activation="selu")(L.Dense(4, activation="sigmoid")(h))
    return keras.Model([image, ids], [out, L.Activation("tanh")(h)], name="all_layers")


def sample(rng, model):
    xs = []
    for t in model.inputs:
        shape = (4,) + tuple(t.shape[1:])
        if "int" in str(t.dtype):
            xs.append(rng.integers(0, 10, shape).astype("int32"))
        else:
            xs.append(rng.standard_normal(shape).astype("float32"))
    return xs


def keras2_entry(layer, inbound):
    """A layer as tf.keras 2.x serializes it: `dtype` a string, nodes as [[name, node, tensor, {}]]."""
    config = {k: v for k, v in layer.get_config().items() if k != "quantization_config"}
    config["dtype"] = "float32"
    for k, v in list(config.items()):
        if isinstance(v, dict) and "class_name" in v:  # initializers: {class_name, config} only
            config[k] = {"class_name": v["class_name"], "config": {"seed": None} if "seed" in v["config"] else v["config"]}
    if type(layer).__name__ == "BatchNormalization":
        config["axis"] = [3]  # tf.keras 2 writes the normalized axes as a list
    return {
        "class_name": type(layer).__name__,
        "config": config,
        "name": layer.name,
        "inbound_nodes": [[[name, 0, 0, {}] for name in inbound]] if inbound else [],
    }


def tf_keras2(out, rng):
    image = keras.Input((6, 6, 2), name="image")
    extra = keras.Input((3,), name="extra")
    conv = L.Conv2D(4, 3, padding="same", activation="relu", name="conv")
    bn = L.BatchNormalization(name="bn")
    dw = L.DepthwiseConv2D(2, depth_multiplier=2, name="dw")
    flat = L.Flatten(name="flat")
    proj = L.Dense(3, activation="tanh", name="proj")
    cat = L.Concatenate(name="cat")
    probs = L.Dense(2, name="probs")
    model = keras.Model([image, extra], probs(cat([flat(dw(bn(conv(image)))), proj(extra)])), name="model")
    for layer in model.layers:
        layer.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
    gamma, beta, mean, _ = bn.get_weights()
    bn.set_weights([gamma + 1, beta, mean, rng.uniform(0.5, 1.5, mean.shape).astype("float32")])
    graph = [(conv, ["image"]), (bn, ["conv"]), (dw, ["bn"]), (flat, ["dw"]), (proj, ["extra"]),
             (cat, ["flat", "proj"]), (probs, ["cat"])]
    inputs = [{"class_name": "InputLayer", "name": n, "inbound_nodes": [], "config": {
        "batch_input_shape": s, "dtype": "float32", "sparse": False, "ragged": False, "name": n}}
        for n, s in (("image", [None, 6, 6, 2]), ("extra", [None, 3]))]
    config = {"class_name": "Functional", "config": {
        "name": "model", "trainable": True,
        "layers": inputs + [keras2_entry(layer, inbound) for layer, inbound in graph],
        "input_layers": [["image", 0, 0], ["extra", 0, 0]], "output_layers": [["probs", 0, 0]]}}
    weight_names = {"conv": ["kernel", "bias"], "bn": ["gamma", "beta", "moving_mean", "moving_variance"],
                    "dw": ["depthwise_kernel", "bias"], "proj": ["kernel", "bias"], "probs": ["kernel", "bias"]}
    with h5py.File(os.path.join(out, "tf_keras2.h5"), "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        g = f.create_group("model_weights")
        names = ["image", "extra"] + [layer.name for layer, _ in graph]
        g.attrs["layer_names"] = [n.encode() for n in names]
        for name in names:
            lg = g.create_group(name)
            wn = [f"{name}/{w}:0" for w in weight_names.get(name, [])]
            lg.attrs["weight_names"] = [w.encode() for w in wn]
            for w, value in zip(wn, model.get_layer(name).get_weights() if name in weight_names else []):
                lg.create_dataset(w, data=value)
    xs = [rng.standard_normal((4, 6, 6, 2)).astype("float32"), rng.standard_normal((4, 3)).astype("float32")]
    return model, xs


def make(out):
    rng = np.random.default_rng(5)
    keras.utils.set_random_seed(5)
    manifest = []
    for build in (seq_cnn, multi_input, all_layers, tf_keras2):
        if build is tf_keras2:
            model, xs = tf_keras2(out, rng)
            name = "tf_keras2"
        else:
            model = build()
            # A few steps of training so BatchNormalization's moving statistics are not 0/1.
            model.compile("adam", "mse")
            xs = sample(rng, model)
            ys = [rng.standard_normal((4,) + tuple(o.shape[1:])).astype("float32") for o in model.outputs]
            model.fit(xs if len(xs) > 1 else xs[0], ys if len(ys) > 1 else ys[0], epochs=3, verbose=0)
            name = model.name
            model.save(os.path.join(out, f"{name}.keras"))
            model.save(os.path.join(out, f"{name}.h5"))
        preds = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        preds = preds if isinstance(preds, list) else [preds]
        legacy = name == "tf_keras2"
        case = {"name": name, "keras": None if legacy else f"{name}.keras", "h5": f"{name}.h5", "inputs": [], "outputs": []}
        for i, x in enumerate(xs):
            np.save(os.path.join(out, f"{name}_in{i}.npy"), x)
            case["inputs"].append(f"{name}_in{i}.npy")
        for i, y in enumerate(preds):
            np.save(os.path.join(out, f"{name}_out{i}.npy"), y.astype("float32"))
            case["outputs"].append(f"{name}_out{i}.npy")
        manifest.append(case)
    unsupported = keras.Sequential([keras.Input((8, 2)), L.Conv1D(2, 3, name="c1d")], name="unsupported")
    unsupported.save(os.path.join(out, "unsupported.keras"))
    unsupported.save(os.path.join(out, "unsupported.h5"))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "cases": manifest}, f)


def check(manifest_path):
    base = os.path.dirname(manifest_path)
    with open(manifest_path) as f:
        manifest = json.load(f)
    report = {}
    for case in manifest["cases"]:
        try:
            model = keras.saving.load_model(os.path.join(base, case.get("keras") or case["h5"]))
            xs = [np.load(os.path.join(base, p)) for p in case["inputs"]]
            preds = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
            preds = preds if isinstance(preds, list) else [preds]
            outs = []
            for y, p in zip(preds, case["outputs"]):
                want = np.load(os.path.join(base, p))
                y = np.asarray(y)
                err = float(np.max(np.abs(y - want))) if y.shape == want.shape else None
                outs.append([list(y.shape), err, float(np.max(np.abs(want)))])
            report[case["name"]] = {
                "class": type(model).__name__,
                "outputs": outs,
                "layers": sorted({type(layer).__name__ for layer in model._flatten_layers()}),
            }
        except Exception as e:  # noqa: BLE001 — reported per case to the TypeScript side
            report[case["name"]] = {"error": f"{type(e).__name__}: {e}"}
    print(json.dumps(report))


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
