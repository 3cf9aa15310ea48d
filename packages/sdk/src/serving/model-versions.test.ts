import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './model-testing.test';
import { aspiredVersions, nextVersionAction, scanVersions } from './model-versions';

describe('serving/model-versions', () => {
  it('lists numeric version folders only, later duplicates winning with a warning', async () => {
    const { dir, cleanup } = tempDir('scan');
    try {
      for (const d of ['1', '3', '001', 'tfjs', '.tmp-4', '12a', '99999999999999999999'])
        fs.mkdirSync(path.join(dir, d));
      fs.writeFileSync(path.join(dir, '7'), 'a file, not a version');
      const scan = await scanVersions(dir, 'half');
      assert.deepEqual(
        [...scan.versions].sort(([a], [b]) => a - b),
        [
          [1, path.join(dir, '1')],
          [3, path.join(dir, '3')],
        ],
      );
      assert.deepEqual(scan.warnings, [
        `Duplicate version directories detected. Version 1 will be loaded from ${path.join(dir, '1')}, ${path.join(dir, '001')} will be ignored.`,
        'Ignoring version folder 99999999999999999999 of servable half: beyond 2^53.',
      ]);
      assert.equal(scan.error, undefined);
    } finally {
      cleanup();
    }
  });

  it("reports a missing base path and an empty one in TF Serving's words", async () => {
    const { dir, cleanup } = tempDir('scan-empty');
    try {
      const missing = await scanVersions(path.join(dir, 'nope'), 'm');
      assert.match(missing.error!, /^Could not find base path .*nope for servable m \(ENOENT\)$/);
      const empty = await scanVersions(dir, 'm');
      assert.deepEqual(empty.warnings, [
        `No versions of servable m found under base path ${dir}. Did you forget to name your leaf directory as a number (eg. '/1/')?`,
      ]);
    } finally {
      cleanup();
    }
  });

  it('applies latest (default 1, at least 1), all and specific policies', () => {
    const found = [2, 10, 1, 5];
    assert.deepEqual(aspiredVersions(undefined, found), [10]);
    assert.deepEqual(aspiredVersions({ latest: {} }, found), [10]);
    assert.deepEqual(aspiredVersions({ latest: { numVersions: 0 } }, found), [10]);
    assert.deepEqual(aspiredVersions({ latest: { numVersions: 3 } }, found), [10, 5, 2]);
    assert.deepEqual(aspiredVersions({ all: {} }, found), [10, 5, 2, 1]);
    assert.deepEqual(aspiredVersions({ specific: { versions: [1, 5, 7] } }, found), [5, 1]);
    assert.deepEqual(aspiredVersions({ specific: {} }, found), []);
  });

  it('orders loads and unloads so the last serving version stays until its successor is up', () => {
    // New version while the old serves: load first, unload only after.
    assert.deepEqual(
      nextVersionAction([
        { version: 1, aspired: false, state: 'ready' },
        { version: 2, aspired: true, state: 'new' },
      ]),
      { kind: 'load', version: 2 },
    );
    assert.deepEqual(
      nextVersionAction([
        { version: 1, aspired: false, state: 'ready' },
        { version: 2, aspired: true, state: 'ready' },
      ]),
      { kind: 'unload', version: 1 },
    );
    // The successor failed: keep the old one.
    assert.equal(
      nextVersionAction([
        { version: 1, aspired: false, state: 'ready' },
        { version: 2, aspired: true, state: 'error' },
      ]),
      undefined,
    );
    // Two stale versions: the lowest goes even before the new one loads.
    assert.deepEqual(
      nextVersionAction([
        { version: 1, aspired: false, state: 'ready' },
        { version: 2, aspired: false, state: 'ready' },
        { version: 3, aspired: true, state: 'new' },
      ]),
      { kind: 'unload', version: 1 },
    );
    // Nothing aspired (all folders deleted): unload.
    assert.deepEqual(nextVersionAction([{ version: 4, aspired: false, state: 'ready' }]), {
      kind: 'unload',
      version: 4,
    });
    // Highest new version first.
    assert.deepEqual(
      nextVersionAction([
        { version: 1, aspired: true, state: 'new' },
        { version: 3, aspired: true, state: 'new' },
      ]),
      { kind: 'load', version: 3 },
    );
  });
});
