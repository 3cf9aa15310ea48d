import { spawnSync } from 'node:child_process';

/** Two network namespaces joined by a veth pair: our own test hosts, on addresses only they use. */
export interface HostPair {
  names: [string, string];
  addresses: [string, string];
  destroy(): void;
}

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() };
}

/**
 * Creates two namespaces `tfs<id>a`/`tfs<id>b` with 10.213.<subnet>.1 and .2 on a veth pair;
 * resolves to undefined (with the reason) where namespaces cannot be made (not root, no iproute2).
 * @example
 *   const pair = makeHostPair(7); try { ... } finally { pair?.destroy(); }
 */
export function makeHostPair(subnet: number): HostPair | { reason: string } {
  const id = `${process.pid % 10000}`;
  const names: [string, string] = [`tfs${id}a`, `tfs${id}b`];
  const addresses: [string, string] = [`10.213.${subnet}.1`, `10.213.${subnet}.2`];
  const destroy = () => {
    for (const n of names) ip(['netns', 'del', n]);
  };
  const steps: string[][] = [
    ['netns', 'add', names[0]],
    ['netns', 'add', names[1]],
    ['link', 'add', `veth${id}a`, 'type', 'veth', 'peer', 'name', `veth${id}b`],
    ['link', 'set', `veth${id}a`, 'netns', names[0]],
    ['link', 'set', `veth${id}b`, 'netns', names[1]],
    ['-n', names[0], 'addr', 'add', `${addresses[0]}/24`, 'dev', `veth${id}a`],
    ['-n', names[1], 'addr', 'add', `${addresses[1]}/24`, 'dev', `veth${id}b`],
    ['-n', names[0], 'link', 'set', `veth${id}a`, 'up'],
    ['-n', names[1], 'link', 'set', `veth${id}b`, 'up'],
    ['-n', names[0], 'link', 'set', 'lo', 'up'],
    ['-n', names[1], 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const r = ip(step);
    if (!r.ok) {
      destroy();
      return { reason: `ip ${step.join(' ')}: ${r.err}` };
    }
  }
  return { names, addresses, destroy };
}
