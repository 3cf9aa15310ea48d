// The collective layer across real processes and sockets: each rank is a child process running
// test/support/collective-child.ts, which reports JSON events on stdout.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ChildConfig } from './support/collective-child';

const CHILD = path.join(__dirname, 'support', 'collective-child.js');

type RankEvent = { event: string } & Record<string, unknown>;

/** One rank process and the events it printed. */
class Rank {
  readonly events: RankEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = '';
  private readonly wake = new Set<() => void>();

  constructor(
    readonly proc: ChildProcess,
    readonly rank: number,
  ) {
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as RankEvent);
      for (const w of this.wake) w();
    });
    proc.stderr!.on('data', (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => {
      for (const w of this.wake) w();
    });
  }

  /** The first event named `name` (already printed or still to come); rejects if the rank exits first. */
  next(name: string, where: (e: RankEvent) => boolean = () => true): Promise<RankEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find((e) => e.event === name && where(e));
        if (found) {
          this.wake.delete(check);
          resolve(found);
        } else if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
          this.wake.delete(check);
          const seen = JSON.stringify(this.events).slice(0, 800);
          reject(new Error(`rank ${this.rank} exited before "${name}"; events ${seen}; stderr ${this.stderr}`));
        }
      };
      this.wake.add(check);
      check();
    });
  }
}

function start(configs: ChildConfig[]): Rank[] {
  return configs.map((config) => {
    const proc = spawn(process.execPath, [CHILD, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    return new Rank(proc, config.rank);
  });
}

/** Ports that were free a moment ago (held together, so they are distinct). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer().listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

describe('collective across processes', function () {
  this.timeout(30_000);
  let dir: string;
  let ranks: Rank[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-coll-'));
  });
  afterEach(() => {
    for (const r of ranks) r.proc.kill('SIGKILL');
    ranks = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const addresses = async (kind: 'unix' | 'tcp', n: number) =>
    kind === 'unix'
      ? Array.from({ length: n }, (_, i) => path.join(dir, `r${i}.sock`))
      : (await freePorts(n)).map((p) => `127.0.0.1:${p}`);
  const group = (n: number, addrs: string[], base: Omit<ChildConfig, 'rank' | 'worldSize' | 'addresses'>) =>
    start(
      Array.from({ length: n }, (_, rank) => ({
        ...base,
        rank,
        worldSize: n,
        addresses: addrs,
        connectTimeoutMs: 15_000,
      })),
    );
  const allEvents = (name: string) => Promise.all(ranks.map((r) => r.next(name)));

  for (const kind of ['unix', 'tcp'] as const) {
    for (const n of [2, 3, 4]) {
      it(`all-reduces awkward lengths over ${n} ranks (${kind}): float32-accurate and bit-identical on every rank`, async () => {
        ranks = group(n, await addresses(kind, n), { scenario: 'allreduce', lengths: [0, 1, 3, n - 1, 1000003] });
        const results = await allEvents('result');
        const cases = results.map((r) => r.cases as { length: number; op: string; hash: string; excess: number }[]);
        assert.equal(cases[0].length, 11);
        for (let c = 0; c < cases[0].length; c++) {
          const label = `${cases[0][c].op} of length ${cases[0][c].length}`;
          for (const perRank of cases) assert.ok(perRank[c].excess <= 0, `${label}: beyond float32 tolerance`);
          assert.equal(new Set(cases.map((perRank) => perRank[c].hash)).size, 1, `${label}: ranks differ`);
        }
        assert.ok(
          results.every((r) => r.inputUntouched === true),
          'allReduce with `into` changed its input',
        );
        await allEvents('closed');
        assert.ok((await Promise.all(ranks.map((r) => r.exited))).every((e) => e.code === 0));
      });
    }
  }

  it('bucketing named tensors into small packs matches one pack and per-tensor reduction', async () => {
    const lengths = [5, 1000, 0, 3, 50000, 257, 12345, 1];
    ranks = group(3, await addresses('unix', 3), { scenario: 'bucketing', lengths });
    const results = await allEvents('result');
    type Report = { name: string; packed: string; single: string; perTensor: string; excess: number };
    const reports = results.map((r) => r.tensors as Report[]);
    for (let t = 0; t < lengths.length; t++) {
      for (const perRank of reports) assert.ok(perRank[t].excess <= 0, `${perRank[t].name}: beyond float32 tolerance`);
      for (const variant of ['packed', 'single', 'perTensor'] as const) {
        assert.equal(new Set(reports.map((perRank) => perRank[t][variant])).size, 1, `${variant}: ranks differ`);
      }
    }
    await allEvents('closed');
  });

  it('broadcasts from root 0 and root 2; a barrier holds every rank until the last arrives', async () => {
    ranks = group(3, await addresses('tcp', 3), { scenario: 'broadcast' });
    for (const e of await allEvents('broadcast')) {
      assert.equal(e.fromRoot0, e.expected0);
      assert.equal(e.fromRoot2, e.expected2);
    }
    await Promise.all([ranks[0].next('entered'), ranks[1].next('entered')]);
    assert.ok(!ranks.some((r) => r.events.some((e) => e.event === 'passed')), 'passed the barrier too early');
    ranks[2].proc.stdin!.write('go\n');
    await allEvents('passed');
    await allEvents('closed');
  });

  it('SIGKILL of one rank mid-all-reduce: the others fail within 5 s naming it, and exit', async () => {
    const addrs = await addresses('unix', 4);
    ranks = group(4, addrs, { scenario: 'loop' });
    await ranks[1].next('op', (e) => (e.i as number) >= 2);
    const killedAt = Date.now();
    ranks[1].proc.kill('SIGKILL');
    const survivors = [ranks[0], ranks[2], ranks[3]];
    const errors = await Promise.all(survivors.map((r) => r.next('error')));
    const elapsed = Date.now() - killedAt;
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
    for (const e of errors) {
      assert.equal(e.code, 'TFSCALE_E_COLLECTIVE_PEER_LOST');
      assert.equal(e.peerRank, 1);
      assert.ok((e.message as string).startsWith(`Peer rank 1 (${addrs[1]}) disconnected`), e.message as string);
    }
    for (const exit of await Promise.all(survivors.map((r) => r.exited))) assert.equal(exit.code, 3);
  });

  it('a rank that never starts: connecting times out with an error naming it', async () => {
    const addrs = await addresses('tcp', 3);
    ranks = start(
      [0, 1].map((rank) => ({ scenario: 'connect', rank, worldSize: 3, addresses: addrs, connectTimeoutMs: 1000 })),
    );
    for (const e of await allEvents('error')) {
      assert.equal(e.code, 'TFSCALE_E_COLLECTIVE_TIMEOUT');
      assert.equal(e.peerRank, 2);
      assert.match(e.message as string, new RegExp(`peer rank 2 \\(${addrs[2]}\\).*1000 ms|1000 ms.*peer rank 2`));
    }
    for (const exit of await Promise.all(ranks.map((r) => r.exited))) assert.equal(exit.code, 3);
  });

  it('ranks with another world size or run id refuse each other', async () => {
    const two = await addresses('unix', 2);
    const three = [...two, path.join(dir, 'r2.sock')];
    ranks = start([
      { scenario: 'connect', rank: 0, worldSize: 2, addresses: two, connectTimeoutMs: 10_000 },
      { scenario: 'connect', rank: 1, worldSize: 3, addresses: three, connectTimeoutMs: 10_000 },
    ]);
    for (const e of await allEvents('error')) {
      assert.equal(e.code, 'TFSCALE_E_COLLECTIVE_MISMATCH');
      assert.match(e.message as string, /worldSize (2 here, 3 there|3 here, 2 there)/);
    }
    ranks = start(
      ['job-a', 'job-b'].map((runId, rank) => ({
        ...{ scenario: 'connect' as const, rank, worldSize: 2, addresses: two, runId, connectTimeoutMs: 10_000 },
      })),
    );
    for (const e of await allEvents('error')) {
      assert.equal(e.code, 'TFSCALE_E_COLLECTIVE_MISMATCH');
      assert.match(e.message as string, /runId "job-[ab]" here, "job-[ab]" there/);
    }
  });
});
