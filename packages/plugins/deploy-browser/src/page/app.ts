/// <reference lib="dom" />
/**
 * The page script (bundled with TF.js into `app.js`): loads `model/model.json` (Layers or Graph
 * format), builds a form from the model's input signature, predicts on submit and shows the
 * outputs. `body[data-state]` says where it is (loading, ready, predicting, done, error) so
 * people and tests can wait for it.
 */
import * as tf from '@tensorflow/tfjs';
import { formKind, type InputSpec, parseFieldValues, parseJsonInput, SUPPORTED_DTYPES } from './input-spec';

type Model = tf.LayersModel | tf.GraphModel;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function setState(state: string, message: string): void {
  document.body.dataset.state = state;
  $('status').textContent = message;
}

function showError(err: unknown): void {
  const error = $('error');
  error.textContent = err instanceof Error ? err.message : String(err);
  error.hidden = false;
  setState('error', 'Something went wrong (see below).');
}

async function loadModel(url: string): Promise<Model> {
  const manifest = (await (await fetch(url)).json()) as { format?: string };
  return manifest.format === 'graph-model' ? tf.loadGraphModel(url) : tf.loadLayersModel(url);
}

function inputSpecs(model: Model): InputSpec[] {
  return model.inputs.map((input, i) => ({
    name: input.name ?? `input_${i}`,
    shape: (input.shape ?? []).map((d) => (d === -1 ? null : d)),
    dtype: input.dtype ?? 'float32',
  }));
}

function outputNames(model: Model): string[] {
  return model.outputs.map((output, i) => output.name ?? `output_${i}`);
}

/** One fieldset per input: number fields for small inputs, a JSON box for large ones. */
function buildForm(specs: readonly InputSpec[]): void {
  const container = $('inputs');
  specs.forEach((spec, index) => {
    const fieldset = document.createElement('fieldset');
    fieldset.dataset.input = String(index);
    const legend = document.createElement('legend');
    const shape = `[${spec.shape.map((d) => d ?? '?').join(', ')}]`;
    legend.textContent = `${spec.name}  ${shape}  ${spec.dtype}`;
    fieldset.append(legend);
    if (!(SUPPORTED_DTYPES as readonly string[]).includes(spec.dtype)) {
      throw new Error(`Input ${spec.name} has dtype ${spec.dtype}; this page handles ${SUPPORTED_DTYPES.join(', ')}.`);
    }
    if (formKind(spec) === 'fields') {
      const size = spec.shape.slice(1).reduce<number>((a, b) => a * (b ?? 1), 1);
      for (let k = 0; k < size; k++) {
        const label = document.createElement('label');
        const field = document.createElement('input');
        field.type = spec.dtype === 'bool' ? 'text' : 'number';
        field.step = spec.dtype === 'int32' ? '1' : 'any';
        field.value = '0';
        field.required = true;
        field.name = `${index}-${k}`;
        field.dataset.element = String(k);
        label.append(`${k}`, field);
        fieldset.append(label);
      }
    } else {
      const area = document.createElement('textarea');
      area.name = `${index}-json`;
      area.rows = 6;
      area.spellcheck = false;
      area.placeholder = 'Paste a JSON array for one example, e.g. [[0, 0.5, …], …]';
      fieldset.append(area);
    }
    container.append(fieldset);
  });
}

function readInputs(specs: readonly InputSpec[]): tf.Tensor[] {
  return specs.map((spec, index) => {
    const fieldset = document.querySelector(`fieldset[data-input="${index}"]`) as HTMLFieldSetElement;
    const area = fieldset.querySelector('textarea');
    let values: number[];
    let shape: number[];
    if (area) {
      ({ values, shape } = parseJsonInput(area.value, spec));
    } else {
      const fields = Array.from(fieldset.querySelectorAll('input'));
      values = parseFieldValues(
        fields.map((f) => f.value),
        spec,
      );
      shape = spec.shape.slice(1) as number[];
    }
    return tf.tensor(values, [1, ...shape], spec.dtype as tf.DataType);
  });
}

async function predict(model: Model, specs: readonly InputSpec[]): Promise<void> {
  setState('predicting', 'Predicting…');
  const inputs = readInputs(specs);
  try {
    const feed = inputs.length === 1 ? inputs[0] : inputs;
    const raw = model instanceof tf.GraphModel ? await model.executeAsync(feed) : model.predict(feed);
    const outputs = Array.isArray(raw) ? raw : [raw as tf.Tensor];
    const names = outputNames(model);
    const result = await Promise.all(
      outputs.map(async (t, i) => ({
        name: names[i],
        shape: t.shape.slice(1),
        values: (await t.array()) as unknown[],
      })),
    );
    tf.dispose(outputs);
    // One example in, so each output's first row is its answer.
    $('output').textContent = JSON.stringify(
      { outputs: result.map((r) => ({ name: r.name, shape: r.shape, values: r.values[0] })) },
      null,
      2,
    );
    $('result').hidden = false;
    setState('done', `Predicted with the ${tf.getBackend()} backend.`);
  } finally {
    tf.dispose(inputs);
  }
}

async function main(): Promise<void> {
  const backend = new URLSearchParams(location.search).get('backend');
  if (backend) await tf.setBackend(backend);
  await tf.ready();
  const model = await loadModel(document.body.dataset.modelUrl ?? 'model/model.json');
  const specs = inputSpecs(model);
  buildForm(specs);
  $('form').hidden = false;
  $('form').addEventListener('submit', (event) => {
    event.preventDefault();
    $('error').hidden = true;
    predict(model, specs).catch(showError);
  });
  setState('ready', `Model loaded (${tf.getBackend()} backend). Fill in the inputs and press Predict.`);
}

main().catch(showError);
