import assert from 'node:assert/strict';
import * as os from 'node:os';
import { countPhysicalCores, listCpu } from './cpu';

// Two sockets, two cores each, two threads per core: 8 logical processors, 4 physical cores.
const TWO_SOCKETS = [0, 1, 2, 3, 4, 5, 6, 7]
  .map(
    (p) =>
      `processor\t: ${p}\nmodel name\t: Intel(R) Xeon(R)\nphysical id\t: ${p >> 2}\ncore id\t\t: ${(p >> 1) & 1}\n`,
  )
  .join('\n');

describe('countPhysicalCores', () => {
  it('counts distinct (physical id, core id) pairs', () => {
    assert.equal(countPhysicalCores(TWO_SOCKETS), 4);
  });

  it('is undefined when /proc/cpuinfo lists no core ids (ARM)', () => {
    assert.equal(
      countPhysicalCores('processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n'),
      undefined,
    );
  });
});

describe('listCpu', () => {
  it('describes this machine', () => {
    const cpu = listCpu();
    assert.ok(cpu.model.length > 0);
    assert.ok(Number.isInteger(cpu.cores) && cpu.cores >= 1);
    assert.equal(cpu.arch, os.arch());
    assert.ok(cpu.memoryBytes > 0 && cpu.freeMemoryBytes <= cpu.memoryBytes);
    if (cpu.physicalCores !== undefined) assert.ok(cpu.physicalCores >= 1 && cpu.physicalCores <= cpu.cores);
  });

  it('leaves physicalCores out when /proc/cpuinfo cannot be read', () => {
    assert.equal('physicalCores' in listCpu({ cpuinfoPath: '/nonexistent/cpuinfo' }), false);
  });
});
