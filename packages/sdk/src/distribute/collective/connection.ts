/**
 * One framed socket to one peer rank: ordered data frames in both directions, control frames
 * (handshake, abort, goodbye), backpressure, inactivity timeouts and sticky failure.
 *
 * Receives are posted in order, each with a sink that the payload streams into (see
 * {@link FrameReader}); sends resolve once the socket has taken the bytes.
 */
import type * as net from 'node:net';
import {
  type CollectiveError,
  fromWire,
  mismatchError,
  type PeerRef,
  peerLost,
  protocolError,
  timeoutError,
  toWire,
} from './collective-error';
import { describeTag, encodeHeader, type FrameHeader, FrameKind, type FrameTag } from './frame';
import { FrameReader } from './frame-reader';
import { CopySink, type PayloadSink } from './payload-sink';

interface Waiter {
  readonly tag: FrameTag;
  readonly sink: PayloadSink | undefined;
  resolve(payload: Uint8Array): void;
  reject(err: Error): void;
}

/**
 * A control frame's kind and decoded JSON payload.
 *
 * @example
 * ```ts
 * const { kind, body } = await connection.nextControl(5_000);
 * ```
 */
export interface ControlMessage {
  readonly kind: FrameKind;
  readonly body: Record<string, unknown>;
}

/**
 * A framed connection to one peer.
 *
 * @example
 * ```ts
 * const conn = new Connection(socket, { rank: 1, address: '/tmp/r1.sock' }, 0, 60_000);
 * conn.onFailure = (err) => transport.fail(err);
 * await conn.send(tag, bytes);
 * ```
 */
export class Connection {
  /** Called once, with the error, when this connection fails for any reason. */
  onFailure: (err: CollectiveError) => void = () => {};
  private failure?: CollectiveError;
  private closing = false;
  private goodbye = false;
  private readonly reader: FrameReader;
  private readonly waiters: Waiter[] = [];
  /** The receive whose frame is arriving now. */
  private active?: Waiter;
  private readonly controls: ControlMessage[] = [];
  private controlWaiter?: { resolve(m: ControlMessage): void; reject(err: Error): void };
  private writeChain: Promise<void> = Promise.resolve();
  private readonly pendingSends = new Set<(err: Error) => void>();
  private readonly drainWaiters: (() => void)[] = [];
  private recvTimer?: NodeJS.Timeout;
  private sendTimer?: NodeJS.Timeout;
  private closed?: Promise<void>;
  private ended?: CollectiveError;

  constructor(
    readonly socket: net.Socket,
    /** The peer; the accepting side learns the rank from the handshake. */
    public peer: PeerRef,
    private readonly self: number,
    private readonly timeoutMs: number,
  ) {
    this.reader = new FrameReader({
      sinkFor: (header) => this.sinkFor(header),
      dataEnd: (_, sink) => this.dataEnd(sink),
      control: (kind, body) => this.control(kind, body),
      malformed: (what) => this.fail(protocolError(this.self, this.peer, what)),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
    });
    socket.on('data', (chunk: Buffer) => {
      this.recvTimer?.refresh();
      if (!this.closing) this.reader.push(chunk);
    });
    socket.on('drain', () => {
      for (const wake of this.drainWaiters.splice(0)) wake();
    });
    socket.on('end', () => this.lost(this.goodbye ? 'it called close()' : 'the connection was closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => this.lost(err.code ?? err.message));
    socket.on('close', () => this.lost(this.goodbye ? 'it called close()' : 'the connection was closed'));
  }

  /** The error this connection failed with, if it did. */
  get failed(): CollectiveError | undefined {
    return this.failure;
  }

  /** Sends one data frame; resolves once the socket has taken the bytes, so the caller may reuse `payload`. */
  send(tag: FrameTag, payload: Uint8Array): Promise<void> {
    if (this.ended) this.fail(this.ended);
    if (this.failure) return Promise.reject(this.failure);
    return this.write(encodeHeader({ kind: FrameKind.Data, ...tag, length: payload.byteLength }), payload);
  }

  /**
   * Receives the next data frame, which must carry `tag`, into `sink` (default: a new buffer of
   * the frame's size); resolves to the sink's bytes.
   */
  receive(tag: FrameTag, sink?: PayloadSink): Promise<Uint8Array> {
    if (this.ended) this.fail(this.ended);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ tag, sink, resolve, reject });
      this.recvTimer ??= setTimeout(() => this.recvTimedOut(), this.timeoutMs);
      this.reader.retry();
    });
  }

  /** Sends a small control frame (handshake or close). */
  sendControl(kind: FrameKind, body: Record<string, unknown>): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const payload = Buffer.from(JSON.stringify(body));
    return this.write(
      encodeHeader({ kind, op: 0, seq: 0, part: 0, step: 0, check: 0, length: payload.length }),
      payload,
    );
  }

  /** The next handshake frame, within `timeoutMs`. */
  nextControl(timeoutMs: number, what: string): Promise<ControlMessage> {
    const queued = this.controls.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.controlWaiter = undefined;
        reject(
          timeoutError(`Rank ${this.self} waited ${timeoutMs} ms for ${what} from ${this.describePeer()}.`, this.peer),
        );
      }, timeoutMs);
      this.controlWaiter = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  /** Marks the connection failed: every pending and later operation rejects with `err`. */
  fail(err: CollectiveError): void {
    if (this.failure) return;
    this.failure = err;
    clearTimeout(this.recvTimer);
    clearTimeout(this.sendTimer);
    this.reader.stop();
    const waiting = this.active ? [this.active, ...this.waiters.splice(0)] : this.waiters.splice(0);
    this.active = undefined;
    for (const w of waiting) w.reject(err);
    for (const rejectSend of [...this.pendingSends]) rejectSend(err);
    this.pendingSends.clear();
    for (const wake of this.drainWaiters.splice(0)) wake();
    this.controlWaiter?.reject(err);
    this.controlWaiter = undefined;
    this.onFailure(err);
  }

  /**
   * Ends the connection: fails pending work with `reason`, tells the peer why (goodbye for a
   * `TFSCALE_E_COLLECTIVE_CLOSED` reason, an abort carrying the error otherwise), flushes, and
   * resolves when the socket closed (destroying it after `graceMs` at the latest).
   */
  close(reason: CollectiveError, graceMs: number): Promise<void> {
    this.closed ??= this.end(reason, graceMs);
    return this.closed;
  }

  private end(reason: CollectiveError, graceMs: number): Promise<void> {
    this.closing = true;
    this.fail(reason);
    const socket = this.socket;
    if (socket.destroyed) return Promise.resolve();
    if (socket.writable) {
      const goodbye = reason.code === 'TFSCALE_E_COLLECTIVE_CLOSED';
      const body = Buffer.from(JSON.stringify(goodbye ? {} : toWire(reason)));
      const kind = goodbye ? FrameKind.Goodbye : FrameKind.Abort;
      socket.write(encodeHeader({ kind, op: 0, seq: 0, part: 0, step: 0, check: 0, length: body.length }));
      socket.end(body);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => socket.destroy(), graceMs).unref();
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      // Nothing more will be read: keep the socket flowing so the peer's end arrives and 'close' follows.
      socket.resume();
    });
  }

  private write(header: Buffer, payload: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const rejectSend = (err: Error) => reject(err);
      this.pendingSends.add(rejectSend);
      this.sendTimer ??= setTimeout(() => this.sendTimedOut(), this.timeoutMs);
      const done = (err?: Error | null) => {
        if (!this.pendingSends.delete(rejectSend)) return; // already rejected by fail()
        if (this.pendingSends.size === 0) {
          clearTimeout(this.sendTimer);
          this.sendTimer = undefined;
        } else this.sendTimer?.refresh();
        if (err) {
          this.lost((err as NodeJS.ErrnoException).code ?? err.message);
          reject(this.failure ?? err);
        } else resolve();
      };
      this.writeChain = this.writeChain.then(async () => {
        // write() returned false earlier: wait for 'drain' instead of queueing more in memory.
        if (this.socket.writableNeedDrain && !this.failure) await new Promise<void>((w) => this.drainWaiters.push(w));
        if (this.failure) return;
        try {
          this.socket.cork();
          if (payload.byteLength === 0) this.socket.write(header, done);
          else {
            this.socket.write(header);
            this.socket.write(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), done);
          }
          this.socket.uncork();
        } catch (err) {
          done(err as Error); // keeps the chain alive for later frames
        }
      });
    });
  }

  /** Matches a data frame with the oldest posted receive: its sink, undefined (none posted yet) or null (mismatch). */
  private sinkFor(h: FrameHeader): PayloadSink | undefined | null {
    const w = this.waiters[0];
    if (!w) return undefined;
    const t = w.tag;
    if (h.op !== t.op || h.seq !== t.seq || h.part !== t.part || h.step !== t.step) {
      this.fail(mismatchError(this.self, this.peer, `expected ${describeTag(t)} but received ${describeTag(h)}`));
      return null;
    }
    if (h.check !== t.check || (w.sink && w.sink.byteLength !== h.length)) {
      const sizes = w.sink ? ` (${w.sink.byteLength} bytes here, ${h.length} there)` : '';
      this.fail(mismatchError(this.self, this.peer, `passed different arguments to ${describeTag(t)}${sizes}`));
      return null;
    }
    this.waiters.shift();
    this.active = w;
    return w.sink ?? new CopySink(new Uint8Array(h.length));
  }

  private dataEnd(sink: PayloadSink): void {
    const w = this.active!;
    this.active = undefined;
    if (this.waiters.length === 0) {
      clearTimeout(this.recvTimer);
      this.recvTimer = undefined;
    }
    w.resolve(sink.result());
  }

  private control(kind: FrameKind, body: Record<string, unknown>): void {
    if (kind === FrameKind.Abort) {
      this.fail(fromWire(body, this.peer, this.self));
    } else if (kind === FrameKind.Goodbye) {
      this.goodbye = true;
    } else if (this.controlWaiter) {
      const waiter = this.controlWaiter;
      this.controlWaiter = undefined;
      waiter.resolve({ kind, body });
    } else this.controls.push({ kind, body });
  }

  private lost(reason: string): void {
    if (this.closing || this.failure || this.ended) return;
    const err = peerLost(this.self, this.peer, reason);
    const busy = this.waiters.length > 0 || this.active || this.pendingSends.size > 0 || this.controlWaiter;
    // A peer that said goodbye after its last collective is no failure until someone needs it:
    // its neighbours may still be finishing that collective among themselves.
    if (this.goodbye && !busy) this.ended = err;
    else this.fail(err);
  }

  private recvTimedOut(): void {
    const tag = this.active?.tag ?? this.waiters[0]?.tag;
    const what = tag ? describeTag(tag) : 'data';
    this.fail(
      timeoutError(`Rank ${this.self} waited ${this.timeoutMs} ms for ${what} from ${this.describePeer()}.`, this.peer),
    );
  }

  private sendTimedOut(): void {
    const summary = `Rank ${this.self} could not send to ${this.describePeer()} for ${this.timeoutMs} ms: it stopped reading.`;
    this.fail(timeoutError(summary, this.peer));
  }

  private describePeer(): string {
    return `peer rank ${this.peer.rank} (${this.peer.address})`;
  }
}
