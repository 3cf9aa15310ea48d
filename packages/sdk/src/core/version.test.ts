import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SDK_VERSION } from './version';

describe('core/version', () => {
  it('SDK_VERSION equals packages/sdk/package.json version', () => {
    // Compiled to dist/core/, so the package root is two levels up.
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(SDK_VERSION, pkg.version);
  });
});
