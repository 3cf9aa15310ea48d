"""One Keras 3 training-throughput measurement, run in its own process by bench/compiled.js.

    python bench/compiled/keras_compiled.py '<json spec>'

Same models, optimizer, loss, batch size and timing protocol as bench/compiled/worker.ts (the tfjs
side): `mlp` 784 -> 256 (relu) -> 10 (softmax), or `cnn` 28x28x1 -> Conv2D(16, 3, relu) ->
Conv2D(32, 3, relu) -> Flatten -> Dense(10, softmax); Adam(1e-3), categorical cross-entropy, seeded
synthetic float32 data as TensorFlow tensors before anything is timed, an untimed warm-up fit, then
one timed `model.fit` over exactly `samples` samples. Prints one line `@@BENCH <json>`.
"""

import json
import os
import platform
import sys
import time

CLASSES = 10


def main() -> None:
    spec = json.loads(sys.argv[1] if len(sys.argv) > 1 else "{}")
    samples, warmup_steps = int(spec["samples"]), int(spec["warmupSteps"])
    batch_size, seed = int(spec["batchSize"]), int(spec["seed"])
    if samples % batch_size:
        raise ValueError(f"samples ({samples}) must be a multiple of batchSize")

    t0 = time.perf_counter()
    import keras
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    kind = spec.get("model", "mlp")
    shape = (samples, 784) if kind == "mlp" else (samples, 28, 28, 1)
    x_np = rng.random(shape, dtype=np.float32)
    y_np = np.eye(CLASSES, dtype=np.float32)[rng.integers(0, CLASSES, samples)]
    x, y = tf.constant(x_np), tf.constant(y_np)
    del x_np, y_np

    if kind == "mlp":
        layers = [
            keras.Input((784,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(CLASSES, activation="softmax"),
        ]
    else:
        layers = [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(CLASSES, activation="softmax"),
        ]
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy")

    warm = warmup_steps * batch_size
    model.fit(x[:warm], y[:warm], batch_size=batch_size, epochs=1, verbose=0)
    setup_seconds = time.perf_counter() - t0

    start = time.perf_counter()
    cpu0 = time.process_time()
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu0

    result = {
        "backend": "tensorflow (python)",
        "impl": "keras",
        "model": kind,
        "samples": samples,
        "steps": samples // batch_size,
        "seconds": seconds,
        "samplesPerSec": samples / seconds,
        "cpuSeconds": cpu_seconds,
        "loss": float(history.history["loss"][-1]),
        "tensorDelta": 0,
        "setupSeconds": setup_seconds,
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
        "flags": {
            "keras_backend": keras.backend.backend(),
            "jit_compile": bool(model.jit_compile),
            "TF_NUM_INTRAOP_THREADS": os.environ.get("TF_NUM_INTRAOP_THREADS", "default"),
            "TF_NUM_INTEROP_THREADS": os.environ.get("TF_NUM_INTEROP_THREADS", "default"),
        },
    }
    print("@@BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main()
    except BaseException as exc:  # noqa: BLE001 - report any failure as one line for the runner
        print(f"@@ERROR {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}", flush=True)
        raise
