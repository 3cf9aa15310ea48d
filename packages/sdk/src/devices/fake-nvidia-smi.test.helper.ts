import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * The recorded nvidia-smi outputs under src/devices/fixtures (tests run from dist/).
 * @example
 *   readFileSync(path.join(FIXTURES, 'h100-x1.csv'), 'utf8');
 */
export const FIXTURES = path.resolve(__dirname, '../../src/devices/fixtures');

/**
 * A temporary directory holding an executable `nvidia-smi` shell script.
 * @example
 *   const fake: FakeNvidiaSmi = fakeNvidiaSmi('exit 9');
 */
export interface FakeNvidiaSmi {
  /** An environment whose PATH finds the fake first. */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/**
 * Writes a fake `nvidia-smi` (a real process: `/bin/sh` running `script`) first on PATH.
 * @example
 *   const fake = fakeNvidiaSmi(`exec cat '${path.join(FIXTURES, 'h100-x1.csv')}'`);
 *   await queryGpus({ env: fake.env });
 *   fake.dispose();
 */
export function fakeNvidiaSmi(script: string): FakeNvidiaSmi {
  const dir = mkdtempSync(path.join(tmpdir(), 'tfscale-nvidia-smi-'));
  const file = path.join(dir, 'nvidia-smi');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return {
    env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * An environment whose PATH is one empty directory, so no nvidia-smi can be found.
 * @example
 *   const none = emptyPath(); await queryGpus({ env: none.env }); none.dispose();
 */
export function emptyPath(): FakeNvidiaSmi {
  const dir = mkdtempSync(path.join(tmpdir(), 'tfscale-empty-path-'));
  return { env: { ...process.env, PATH: dir }, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
