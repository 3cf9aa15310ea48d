import assert from 'node:assert/strict';
import * as path from 'node:path';
import { listDevices } from './devices';
import { emptyPath, FIXTURES, fakeNvidiaSmi } from './fake-nvidia-smi.test.helper';

describe('listDevices', () => {
  if (process.platform === 'win32') return; // the fakes are /bin/sh scripts

  it('lists the CPU then each GPU with ids the run definition takes', async () => {
    const fake = fakeNvidiaSmi(`exec cat '${path.join(FIXTURES, 'h100-x1.csv')}'`);
    try {
      const list = await listDevices({ gpu: { env: fake.env } });
      assert.deepEqual(list.gpuQuery, { available: true });
      assert.equal(list.gpus[0].name, 'NVIDIA H100 80GB HBM3');
      assert.deepEqual(
        list.devices.map((d) => d.id),
        ['cpu', 'gpu:0'],
      );
      assert.equal(list.devices[1].label, 'GPU 0 NVIDIA H100 80GB HBM3 (80 GiB)');
      assert.ok(list.devices[0].label.startsWith(`CPU ${list.cpu.model}`));
    } finally {
      fake.dispose();
    }
  });

  it('still lists the CPU, and says why, when there is no nvidia-smi', async () => {
    const none = emptyPath();
    try {
      const list = await listDevices({ gpu: { env: none.env } });
      assert.deepEqual(list.gpus, []);
      assert.deepEqual(list.gpuQuery, { available: false, reason: 'nvidia-smi not found on PATH' });
      assert.deepEqual(
        list.devices.map((d) => d.kind),
        ['cpu'],
      );
    } finally {
      none.dispose();
    }
  });
});
