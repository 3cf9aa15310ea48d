import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { emptyPath, FIXTURES, fakeNvidiaSmi } from './fake-nvidia-smi.test.helper';
import { NVIDIA_SMI_ARGS, parseNvidiaSmi, queryGpus } from './nvidia-smi';

const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const DRIVER_FAILURE =
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";

describe('parseNvidiaSmi', () => {
  it('reads one H100', () => {
    assert.deepEqual(parseNvidiaSmi(fixture('h100-x1.csv')), [
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 0, utilizationPercent: 0 },
    ]);
  });

  it('reads eight A100s in index order with their memory and load', () => {
    const gpus = parseNvidiaSmi(fixture('a100-sxm4-40gb-x8.csv'));
    assert.equal(gpus.length, 8);
    assert.deepEqual(
      gpus.map((g) => g.index),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.ok(gpus.every((g) => g.name === 'NVIDIA A100-SXM4-40GB' && g.memoryTotalMiB === 40960));
    assert.deepEqual(gpus[2], {
      index: 2,
      name: 'NVIDIA A100-SXM4-40GB',
      memoryTotalMiB: 40960,
      memoryUsedMiB: 38121,
      utilizationPercent: 98,
    });
  });

  it('turns [N/A] into null and copes with CRLF line ends', () => {
    assert.deepEqual(parseNvidiaSmi(fixture('t4-na-crlf.csv')), [
      { index: 0, name: 'Tesla T4', memoryTotalMiB: 15360, memoryUsedMiB: 0, utilizationPercent: null },
    ]);
  });

  it('returns no GPUs for empty output', () => {
    assert.deepEqual(parseNvidiaSmi(fixture('empty.csv')), []);
    assert.deepEqual(parseNvidiaSmi('\n\r\n  \n'), []);
  });

  it('turns [Not Supported] into null and skips blank and non-GPU lines', () => {
    const text = '\nNo devices were found\n  1 ,  NVIDIA GeForce GTX 1080 ,  8192 , [Not Supported] , N/A  \n\n';
    assert.deepEqual(parseNvidiaSmi(text), [
      {
        index: 1,
        name: 'NVIDIA GeForce GTX 1080',
        memoryTotalMiB: 8192,
        memoryUsedMiB: null,
        utilizationPercent: null,
      },
    ]);
  });

  it('keeps a name that contains commas whole, taking numbers from the end', () => {
    assert.deepEqual(parseNvidiaSmi('3, Quadro RTX 8000, Rev A, 46080, 512, 12'), [
      { index: 3, name: 'Quadro RTX 8000, Rev A', memoryTotalMiB: 46080, memoryUsedMiB: 512, utilizationPercent: 12 },
    ]);
  });

  it('reads values printed with units too (a query without nounits)', () => {
    assert.deepEqual(parseNvidiaSmi('0, NVIDIA L4, 23034 MiB, 0 MiB, 0 %'), [
      { index: 0, name: 'NVIDIA L4', memoryTotalMiB: 23034, memoryUsedMiB: 0, utilizationPercent: 0 },
    ]);
  });
});

describe('queryGpus (fake nvidia-smi process)', () => {
  if (process.platform === 'win32') return; // the fakes are /bin/sh scripts

  it('runs nvidia-smi from PATH with the query arguments and parses its output', async () => {
    // The fake checks it was asked the exact query, then prints a recorded 8x A100 answer.
    const fake = fakeNvidiaSmi(
      `[ "$1 $2" = "${NVIDIA_SMI_ARGS.join(' ')}" ] || { echo "bad args: $*" >&2; exit 2; }\nexec cat '${path.join(FIXTURES, 'a100-sxm4-40gb-x8.csv')}'`,
    );
    try {
      const result = await queryGpus({ env: fake.env, timeoutMs: 10_000 });
      assert.equal(result.reason, undefined);
      assert.equal(result.available, true);
      assert.equal(result.gpus.length, 8);
      assert.equal(result.gpus[7].name, 'NVIDIA A100-SXM4-40GB');
    } finally {
      fake.dispose();
    }
  });

  it('reports the driver failure when nvidia-smi exits non-zero', async () => {
    const fake = fakeNvidiaSmi(`echo "${DRIVER_FAILURE}"\nexit 9`);
    try {
      const result = await queryGpus({ env: fake.env, timeoutMs: 10_000 });
      assert.deepEqual(result, {
        gpus: [],
        available: false,
        reason: `nvidia-smi exited with code 9: ${DRIVER_FAILURE}`,
      });
    } finally {
      fake.dispose();
    }
  });

  it('says nvidia-smi is not on PATH when it is missing', async () => {
    const none = emptyPath();
    try {
      assert.deepEqual(await queryGpus({ env: none.env }), {
        gpus: [],
        available: false,
        reason: 'nvidia-smi not found on PATH',
      });
    } finally {
      none.dispose();
    }
  });

  it('gives up on a hung nvidia-smi after timeoutMs', async () => {
    const fake = fakeNvidiaSmi('exec sleep 30');
    try {
      const result = await queryGpus({ env: fake.env, timeoutMs: 200 });
      assert.equal(result.available, false);
      assert.equal(result.reason, 'nvidia-smi did not answer within 200 ms');
    } finally {
      fake.dispose();
    }
  });
});
