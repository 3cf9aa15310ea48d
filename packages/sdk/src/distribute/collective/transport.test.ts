import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTfscaleError } from '../../core/errors';
import type { CollectiveError } from './collective-error';
import { OpCode } from './frame';
import { RingTransport, type TransportOptions } from './transport';

// Real sockets inside one process: the rendezvous, handshake and failure paths. Whole collectives
// across processes are in test/collective.test.ts.
describe('distribute/collective/transport', () => {
  let dir: string;
  let open: RingTransport[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfscale-transport-'));
  });
  afterEach(async () => {
    await Promise.all(open.map((t) => t.close()));
    open = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const options = (rank: number, extra: Partial<TransportOptions> = {}): TransportOptions => ({
    rank,
    worldSize: 2,
    addresses: [path.join(dir, 'r0.sock'), path.join(dir, 'r1.sock')],
    runId: 'unit',
    timeoutMs: 5_000,
    connectTimeoutMs: 5_000,
    ...extra,
  });
  const pair = async (extra: Partial<TransportOptions> = {}) => {
    open = await Promise.all([RingTransport.connect(options(0, extra)), RingTransport.connect(options(1, extra))]);
    return open;
  };
  const tag = (step: number, check = 0) => ({ op: OpCode.Broadcast, seq: 1, part: 0, step, check });
  const code = (c: string) => (err: unknown) => isTfscaleError(err, c as CollectiveError['code']);

  it('connects two ranks, exchanges frames both ways round the ring, and cleans up its socket files', async () => {
    const [a, b] = await pair();
    const got = new Uint8Array(3);
    await Promise.all([a.send(tag(0), Uint8Array.of(1, 2, 3)), b.receive(tag(0), got)]);
    assert.deepEqual([...got], [1, 2, 3]);
    const sum = Float32Array.of(1, 2);
    await Promise.all([b.send(tag(1), new Uint8Array(Float32Array.of(0.5, 0.25).buffer)), a.receiveAdd(tag(1), sum)]);
    assert.deepEqual([...sum], [1.5, 2.25]);
    await Promise.all([a.close(), b.close()]);
    assert.deepEqual(fs.readdirSync(dir), []);
    await assert.rejects(a.send(tag(2), new Uint8Array(0)), code('TFSCALE_E_COLLECTIVE_CLOSED'));
  });

  it('a peer that leaves mid-receive fails every pending and later operation, naming it', async () => {
    const [a, b] = await pair();
    const pending = assert.rejects(a.receive(tag(0), new Uint8Array(4)), (err: CollectiveError) => {
      assert.equal(err.code, 'TFSCALE_E_COLLECTIVE_PEER_LOST');
      assert.equal(err.peerRank, 1);
      assert.match(err.message, /^Peer rank 1 \(.*r1\.sock\) disconnected: it called close\(\) \(seen by rank 0\)/);
      return true;
    });
    await b.close();
    await pending;
    await assert.rejects(a.send(tag(1), new Uint8Array(0)), (err) => err === a.failed);
  });

  it('times out a receive that gets no data, naming the peer and the operation', async () => {
    const [a] = await pair({ timeoutMs: 150 });
    await assert.rejects(a.receive(tag(0), new Uint8Array(1)), (err: CollectiveError) => {
      assert.equal(err.code, 'TFSCALE_E_COLLECTIVE_TIMEOUT');
      assert.match(err.message, /waited 150 ms for broadcast #1 \(part 0, step 0\) from peer rank 1/);
      return true;
    });
  });

  it('diverged ranks fail with a mismatch on both sides', async () => {
    const [a, b] = await pair();
    a.send(tag(0, 111), Uint8Array.of(1)).catch(() => {});
    await assert.rejects(b.receive(tag(0, 222), new Uint8Array(1)), code('TFSCALE_E_COLLECTIVE_MISMATCH'));
    // The receiver tells the sender why (abort frame), so it reports the same cause.
    await assert.rejects(a.receive(tag(1), new Uint8Array(0)), code('TFSCALE_E_COLLECTIVE_MISMATCH'));
  });

  it('ignores a stray client during rendezvous and replaces a stale socket file', async () => {
    // A killed rank leaves its socket file behind: bind one, move it into place, stop listening.
    const stale = net.createServer().listen(path.join(dir, 'tmp.sock'));
    await new Promise((r) => stale.once('listening', r));
    fs.renameSync(path.join(dir, 'tmp.sock'), path.join(dir, 'r1.sock'));
    await new Promise<void>((r) => stale.close(() => r()));
    const a = RingTransport.connect(options(0));
    const stray = net.connect(path.join(dir, 'r0.sock'));
    stray.on('error', () => {});
    stray.write('GET / HTTP/1.1\r\n\r\n');
    open = await Promise.all([a, RingTransport.connect(options(1))]);
    stray.destroy();
  });

  it('refuses to take over an address another process listens on', async () => {
    const busy = net.createServer().listen(path.join(dir, 'r0.sock'));
    await new Promise((r) => busy.once('listening', r));
    await assert.rejects(
      RingTransport.connect(options(0, { connectTimeoutMs: 500 })),
      code('TFSCALE_E_COLLECTIVE_LISTEN_FAILED'),
    );
    busy.close();
  });
});
