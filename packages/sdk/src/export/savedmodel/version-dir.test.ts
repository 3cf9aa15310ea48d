import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nextVersionDir } from './version-dir';

describe('nextVersionDir', () => {
  let base: string;
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-versions-'));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('starts at 1 for a new or empty base', async () => {
    assert.equal(await nextVersionDir(path.join(base, 'missing')), path.join(base, 'missing', '1'));
    assert.equal(await nextVersionDir(base), path.join(base, '1'));
  });

  it('is one more than the highest numeric version, ignoring other names', async () => {
    for (const name of ['1', '3', '10', '.tmp-11-x', 'latest']) fs.mkdirSync(path.join(base, name));
    assert.equal(await nextVersionDir(base), path.join(base, '11'));
  });
});
