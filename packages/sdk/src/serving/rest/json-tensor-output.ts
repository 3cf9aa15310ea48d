/**
 * Tensors → TF Serving's predict response JSON (json_tensor.cc `MakeJsonFromTensors`), byte for
 * byte: `{"predictions": [...]}` per example for row requests (one object per example when there
 * are several outputs), `{"outputs": ...}` for columnar ones; pretty printed by rapidjson with
 * each example on one line; DT_STRING outputs named `*_bytes` as `{"b64": ...}`.
 */
import type { ServingTensor } from '../types';
import { ServingError } from '../types';
import { halfToFloat } from './dtypes';
import { formatFloat32, formatFloat64 } from './json-number';
import type { JsonPredictFormat } from './json-tensor';
import { JsonWriter } from './json-writer';

function invalid(message: string): ServingError {
  return new ServingError('INVALID_ARGUMENT', message);
}

/**
 * Writes element `i` of a tensor; strings named `*_bytes` go out as base64 objects.
 * @example
 *   const write = valueWriter(tensor, 'y'); write(w, 0);
 */
export function valueWriter(t: ServingTensor, name: string): (w: JsonWriter, i: number) => void {
  const d = t.data;
  switch (t.dtype) {
    case 'float32':
      return (w, i) => w.raw(formatFloat32((d as Float32Array)[i]));
    case 'float64':
      return (w, i) => w.raw(formatFloat64((d as Float64Array)[i]));
    case 'float16':
      return (w, i) => w.raw(formatFloat32(halfToFloat((d as Uint16Array)[i])));
    case 'bool':
      return (w, i) => w.bool((d as Uint8Array)[i] !== 0);
    case 'string': {
      const strings = d as Uint8Array[];
      if (!name.endsWith('_bytes')) return (w, i) => w.string(strings[i]);
      return (w, i) => {
        w.startObject();
        w.key('b64');
        w.string(Buffer.from(strings[i].buffer, strings[i].byteOffset, strings[i].length).toString('base64'));
        w.endObject();
      };
    }
    default:
      return (w, i) => w.raw(String((d as Int32Array)[i]));
  }
}

/** AddTensorValues: nested arrays from dimension `dim` on; returns the next element offset. */
function writeValues(
  w: JsonWriter,
  t: ServingTensor,
  write: (w: JsonWriter, i: number) => void,
  dim: number,
  offset: number,
): number {
  const rank = t.shape.length;
  if (dim > rank - 1) {
    write(w, offset);
    return offset + 1;
  }
  w.startArray();
  const n = t.shape[dim];
  if (dim === rank - 1) for (let i = 0; i < n; i++) write(w, offset++);
  else for (let i = 0; i < n; i++) offset = writeValues(w, t, write, dim + 1, offset);
  w.endArray();
  return offset;
}

/**
 * The predict response body for `outputs` in the request's format.
 * @example
 *   makeJsonFromTensors({ y: { dtype: 'float32', shape: [3], data: Float32Array.of(3.5, 4, 5.5) } }, 'row');
 *   // '{\n    "predictions": [3.5, 4.0, 5.5\n    ]\n}'
 */
export function makeJsonFromTensors(outputs: Record<string, ServingTensor>, format: JsonPredictFormat): Buffer {
  const names = Object.keys(outputs).sort();
  if (names.length === 0) throw invalid('Cannot convert empty tensor map to JSON');
  return format === 'row' ? rowJson(outputs, names) : columnarJson(outputs, names);
}

function rowJson(outputs: Record<string, ServingTensor>, names: string[]): Buffer {
  let batch = -1;
  for (const name of names) {
    const shape = outputs[name].shape;
    if (shape.length === 0) throw invalid(`Tensor name: ${name} has no shape information `);
    if (batch >= 0 && shape[0] !== batch)
      throw invalid(`Tensor name: ${name} has inconsistent batch size: ${shape[0]} expecting: ${batch}`);
    batch = shape[0];
  }
  const writers = names.map((name) => valueWriter(outputs[name], name));
  const offsets = names.map(() => 0);
  const objects = names.length > 1;
  const w = new JsonWriter();
  w.startObject();
  w.key('predictions');
  w.startArray();
  for (let item = 0; item < batch; item++) {
    if (objects) w.startObject();
    w.setSingleLineArray(true);
    names.forEach((name, k) => {
      if (objects) w.key(name);
      offsets[k] = writeValues(w, outputs[name], writers[k], 1, offsets[k]);
    });
    w.setSingleLineArray(false);
    if (objects) w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.toBuffer();
}

function columnarJson(outputs: Record<string, ServingTensor>, names: string[]): Buffer {
  const w = new JsonWriter();
  w.startObject();
  w.key('outputs');
  const objects = names.length > 1;
  if (objects) w.startObject();
  for (const name of names) {
    if (objects) w.key(name);
    writeValues(w, outputs[name], valueWriter(outputs[name], name), 0, 0);
  }
  if (objects) w.endObject();
  w.endObject();
  return w.toBuffer();
}
