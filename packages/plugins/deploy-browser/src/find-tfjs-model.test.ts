import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTfscaleError } from '@tfscale/sdk';
import { findTfjsModel } from './find-tfjs-model';

const manifest = JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] });

describe('plugin-deploy-browser/find-tfjs-model', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-find-tfjs-'));
    for (const v of ['1', '2', '10']) {
      fs.mkdirSync(path.join(dir, 'base', 'tfjs', v), { recursive: true });
      fs.writeFileSync(path.join(dir, 'base', 'tfjs', v, 'model.json'), manifest);
    }
    fs.mkdirSync(path.join(dir, 'base', '11')); // a SavedModel version: no model.json
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', 'model.json'), '{"format":');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the newest tfjs version under a model base, a folder, or a model.json', () => {
    assert.deepEqual(findTfjsModel(path.join(dir, 'base')), {
      dir: path.join(dir, 'base', 'tfjs', '10'),
      format: 'layers-model',
      version: 10,
    });
    assert.equal(findTfjsModel(path.join(dir, 'base', 'tfjs')).dir, path.join(dir, 'base', 'tfjs', '10'));
    assert.equal(findTfjsModel(path.join(dir, 'base', 'tfjs', '2')).dir, path.join(dir, 'base', 'tfjs', '2'));
    assert.equal(
      findTfjsModel(path.join(dir, 'base', 'tfjs', '1', 'model.json')).dir,
      path.join(dir, 'base', 'tfjs', '1'),
    );
  });

  it('says what it expected, with the export command', () => {
    const coded = (pattern: RegExp) => (e: unknown) =>
      isTfscaleError(e) && e.code === 'TFSCALE_E_INVALID_VALUE' && pattern.test(e.message);
    assert.throws(
      () => findTfjsModel(path.join(dir, 'base', '11')),
      (e: unknown) => coded(/found none/)(e) && /--format tfjs/.test((e as { hint: string }).hint),
    );
    assert.throws(() => findTfjsModel(path.join(dir, 'nothing')), coded(/does not exist/));
    assert.throws(() => findTfjsModel(path.join(dir, 'bad')), coded(/does not parse/));
  });
});
