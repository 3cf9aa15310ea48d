/**
 * SavedModels written by Python TensorFlow 2.21, made once per test process (no tests here): a
 * tf.Module with several signatures over many dtypes plus a TF Serving warmup file, and a Keras
 * `model.export`. Python is `TFSCALE_PYTHON` or the repository's `.venv`; in CI a missing one is
 * an error, elsewhere the tests that need it skip with a message.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where the Python-written models are, and what TensorFlow computed on them.
 * @example
 *   const py = pythonModels(); if (!py) this.skip();
 */
export interface PythonModels {
  /** tf.Module SavedModel: `serving_default` (half plus two), `mixed`, `wide`, `cplx` (complex64); with a warmup file. */
  module: string;
  /** Keras `model.export` folder. */
  keras: string;
  expected: {
    mixed: { b: string[]; n: number[]; ok: boolean[]; t: string[] };
    keras: { inputKey: string; outputKey: string; x: number[][]; y: number[][] };
  };
}

const repo = path.resolve(__dirname, '..', '..', '..', '..', '..');
let cached: PythonModels | { skip: string } | undefined;

/**
 * The models, or `{ skip }` with the reason when there is no Python (never in CI).
 * @example
 *   const py = pythonModels();
 *   if ('skip' in py) { console.log(py.skip); this.skip(); }
 */
export function pythonModels(): PythonModels | { skip: string } {
  if (cached) return cached;
  const python = process.env.TFSCALE_PYTHON ?? path.join(repo, '.venv', 'bin', 'python');
  if (!fs.existsSync(python)) {
    if (process.env.CI === 'true') throw new Error(`CI: no Python at ${python} (.ci/run creates .venv)`);
    cached = { skip: `no Python TensorFlow at ${python}; set TFSCALE_PYTHON to run the interop tests` };
    return cached;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-serving-python-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const run = spawnSync(python, ['-c', SCRIPT, dir], { encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0) throw new Error(`Python fixture script failed:\n${run.stderr}`);
  cached = {
    module: path.join(dir, 'module', '1'),
    keras: path.join(dir, 'keras', '1'),
    expected: JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')),
  };
  return cached;
}

const SCRIPT = `
import json, os, struct, sys
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
import numpy as np
import tensorflow as tf
import keras

out = sys.argv[1]

class M(tf.Module):
    def __init__(self):
        self.w = tf.Variable(0.5)
        self.b = tf.Variable(2.0)

    @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32, name='x')])
    def half(self, x):
        return {'y': x * self.w + self.b}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.int64, name='a'), tf.TensorSpec([None], tf.string, name='s')])
    def mixed(self, a, s):
        return {'b': a * 3, 't': tf.strings.join([s, '!']), 'n': tf.strings.length(s), 'ok': a > 0}

    @tf.function(input_signature=[tf.TensorSpec([2], t, name=n) for n, t in
        [('d', tf.float64), ('h', tf.float16), ('i8', tf.int8), ('i16', tf.int16), ('u8', tf.uint8),
         ('u16', tf.uint16), ('u32', tf.uint32), ('u64', tf.uint64)]])
    def wide(self, d, h, i8, i16, u8, u16, u32, u64):
        return {'d2': d * 2, 'h2': h + h, 'i8': tf.identity(i8), 'i16': tf.identity(i16), 'u8': tf.identity(u8),
                'u16': tf.identity(u16), 'u32': tf.identity(u32), 'u64': tf.identity(u64)}

    @tf.function(input_signature=[tf.TensorSpec([2], tf.complex64, name='c')])
    def cplx(self, c):
        return {'r': tf.math.real(c)}

m = M()
module_dir = os.path.join(out, 'module', '1')
tf.saved_model.save(m, module_dir, signatures={'serving_default': m.half, 'mixed': m.mixed, 'wide': m.wide, 'cplx': m.cplx})
loaded = tf.saved_model.load(module_dir)
r = loaded.signatures['mixed'](a=tf.constant([2**60, -1, 0], tf.int64), s=tf.constant(['hi', '', 'w\\u00e9']))
mixed = {'b': [str(v) for v in r['b'].numpy()], 'n': r['n'].numpy().tolist(), 'ok': r['ok'].numpy().tolist(),
         't': [v.decode('utf-8') for v in r['t'].numpy()]}

# TF Serving warmup file: PredictionLog { predict_log(6) { request(1) { model_spec(1), inputs(2) } } }
def varint(n):
    b = b''
    while True:
        c = n & 0x7f
        n >>= 7
        if n:
            b += bytes([c | 0x80])
        else:
            return b + bytes([c])
def field(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload
os.makedirs(os.path.join(module_dir, 'assets.extra'))
with tf.io.TFRecordWriter(os.path.join(module_dir, 'assets.extra', 'tf_serving_warmup_requests')) as w:
    for x in ([[1.0], [2.0]], [[5.0]]):
        tensor = tf.make_tensor_proto(np.array(x, np.float32)).SerializeToString()
        entry = field(1, b'x') + field(2, tensor)
        request = field(1, field(1, b'module')) + field(2, entry)
        w.write(field(6, field(1, request)))

keras.utils.set_random_seed(3)
inputs = keras.Input(shape=(4,), name='features')
h = keras.layers.Dense(8, activation='relu')(inputs)
outputs = keras.layers.Dense(3, activation='softmax')(h)
model = keras.Model(inputs, outputs)
keras_dir = os.path.join(out, 'keras', '1')
model.export(keras_dir, verbose=False)
x = np.random.default_rng(7).standard_normal((3, 4)).astype('float32')
fn = tf.saved_model.load(keras_dir).signatures['serving_default']
in_key = list(fn.structured_input_signature[1].keys())[0]
res = fn(**{in_key: tf.constant(x)})
out_key = list(res.keys())[0]
json.dump({'mixed': mixed, 'keras': {'inputKey': in_key, 'outputKey': out_key, 'x': x.tolist(), 'y': res[out_key].numpy().tolist()}},
          open(os.path.join(out, 'expected.json'), 'w'))
`;
