import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONFIG_ERROR_CODES, ConfigError } from './config-error';
import { loadRunFile } from './load-run';

const RUN = {
  $schema: '../node_modules/@tfscale/sdk/schema/tfscale.schema.json',
  name: 'iris',
  model: {
    type: 'sequential',
    layers: [
      { type: 'dense', units: 16, activation: 'relu', inputShape: [4] },
      { type: 'dense', units: 3, activation: 'softmax' },
    ],
  },
  compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
  data: { train: { csv: 'data/iris.csv', label: 'species' }, validationSplit: 0.2 },
  epochs: 20,
  callbacks: ['tensorBoard', { name: 'earlyStopping', options: { patience: 3 } }],
  exporters: [{ format: 'saved-model', path: 'models/iris/1' }],
};

async function loadError(file: string): Promise<ConfigError> {
  try {
    await loadRunFile(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail(`loadRunFile(${file}) succeeded`);
}

describe('loadRunFile', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tfscale-run-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads tfscale.json with defaults filled, by file or by directory', async () => {
    const file = write('tfscale.json', JSON.stringify(RUN, null, 2));
    const run = await loadRunFile(file);
    assert.equal(run.epochs, 20);
    assert.equal(run.data.batchSize, 32);
    assert.equal(run.outputDir, 'runs/iris');
    assert.deepEqual(await loadRunFile(dir), run);
  });

  it('reports a JSON syntax error with the file, line and column', async () => {
    const file = write('tfscale.json', '{\n  "name": "iris",\n  "epochs": 3,\n}\n');
    const err = await loadError(file);
    assert.equal(err.code, CONFIG_ERROR_CODES.syntax);
    assert.equal(err.file, file);
    assert.deepEqual([err.issues[0].line, err.issues[0].column], [4, 1]);
    assert.equal(err.message.split('\n')[0], `Invalid JSON in ${file}:4:1`);
    assert.match(err.message, /Expected double-quoted property name \(line 4, column 1\)/);
  });

  it('finds errors V8 gives no position for (a trailing comma in a list)', async () => {
    const file = write('tfscale.json', '{\n  "plugins": ["a",\n  ]\n}');
    const err = await loadError(file);
    assert.deepEqual([err.issues[0].line, err.issues[0].column], [3, 3]);
    assert.match(err.issues[0].message, /^Unexpected token/);
  });

  it('names the file and the field for schema errors', async () => {
    const file = write('tfscale.json', JSON.stringify({ ...RUN, data: { ...RUN.data, batchSize: 0 } }));
    const err = await loadError(file);
    assert.equal(err.code, CONFIG_ERROR_CODES.invalid);
    assert.equal(err.file, file);
    assert.match(err.message, /^Invalid run definition in .*tfscale\.json \(1 problem\):/);
    assert.equal(err.issues[0].field, 'data.batchSize');
  });

  it('accepts only JSON forms in a JSON file: no in-memory { x, y }', async () => {
    const file = write('tfscale.json', JSON.stringify({ ...RUN, data: { train: { x: [[1]], y: [[1]] } } }));
    const err = await loadError(file);
    assert.equal(err.issues[0].field, 'data.train');
    assert.match(err.issues[0].message, /Expected: \{ csv, label \}, \{ jsonl, label \} or \{ tfrecord, label \}$/);
  });

  it('loads the default export of a .js or .mjs module', async () => {
    const defineRun = JSON.stringify(path.resolve(__dirname, 'define-run.js'));
    const cjs = write('run.js', `exports.default = require(${defineRun}).defineRun(${JSON.stringify(RUN)});\n`);
    assert.equal((await loadRunFile(cjs)).name, 'iris');
    // Edited and loaded again in the same process: the new contents count.
    write('run.js', `exports.default = ${JSON.stringify({ ...RUN, name: 'edited' })};\n`);
    assert.equal((await loadRunFile(cjs)).name, 'edited');
    const mjs = write('run.mjs', `export default ${JSON.stringify({ ...RUN, name: 'esm' })};\n`);
    assert.equal((await loadRunFile(mjs)).name, 'esm');
  });

  it('names the module when defineRun throws while it loads', async () => {
    const defineRun = JSON.stringify(path.resolve(__dirname, 'define-run.js'));
    const bad = JSON.stringify({ ...RUN, epoch: 3 });
    const file = write('bad-run.js', `exports.default = require(${defineRun}).defineRun(${bad});\n`);
    const err = await loadError(file);
    assert.equal(err.file, file);
    assert.match(err.message, /^Invalid run definition in .*bad-run\.js \(1 problem\):\n {2}- Unknown field `epoch`/);
  });

  it('says a .ts run file must be compiled first', async () => {
    const err = await loadError(write('run.ts', 'export default {};\n'));
    assert.equal(err.code, CONFIG_ERROR_CODES.unsupportedFile);
    assert.match(err.message, /TypeScript files must be compiled first/);
    assert.match(err.hint ?? '', /npx tsc/);
  });

  it('says when the file does not exist', async () => {
    const err = await loadError(path.join(dir, 'missing.json'));
    assert.equal(err.code, CONFIG_ERROR_CODES.notFound);
  });
});
