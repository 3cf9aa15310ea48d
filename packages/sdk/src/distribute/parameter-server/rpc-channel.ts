/**
 * Request/reply over one socket, both directions: the parameter-server roles' only transport.
 * A closed or broken socket fails every pending and later request with the error the owner
 * chose for losing that peer (a lost ps, a lost coordinator, …).
 */
import type * as net from 'node:net';
import { TfscaleError } from '../../core/errors';
import { encodeMessage, type Message, MessageDecoder, type MessageHead } from './message-codec';
import { errorFromWire, errorToWire } from './ps-errors';

/**
 * What a request handler returns: the reply's head fields and arrays.
 *
 * @example
 * ```ts
 * const reply: Reply = { head: { applied: true }, arrays: [] };
 * ```
 */
export interface Reply {
  readonly head?: Record<string, unknown>;
  readonly arrays?: readonly Float32Array[];
}

/**
 * A message channel to one peer.
 *
 * @example
 * ```ts
 * const channel = new RpcChannel(socket, 'ps:0 (127.0.0.1:7001)', (reason) => psLost(ps0, reason, 'chief'));
 * const { arrays } = await channel.request({ t: 'pull' });
 * ```
 */
export class RpcChannel {
  /** Answers the peer's requests; a thrown error goes back to the requester. */
  onRequest: (message: Message) => Reply | Promise<Reply> = (m) => {
    throw new TfscaleError('TFSCALE_E_PS_MISMATCH', `Unexpected '${m.head.t}' request.`);
  };
  /** Messages that expect no reply. */
  onNotice: (message: Message) => void = () => {};
  /** Called once when the channel ends: `undefined` when this side closed it, else the loss error. */
  onClose: (err: TfscaleError | undefined) => void = () => {};
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(m: Message): void; reject(e: Error): void }>();
  private readonly decoder = new MessageDecoder();
  private failure?: TfscaleError;
  private closing = false;
  private expected = false;

  constructor(
    readonly socket: net.Socket,
    /** The peer, as messages name it. */
    readonly peer: string,
    private readonly lostError: (reason: string) => TfscaleError,
  ) {
    socket.setNoDelay(true); // small request/reply messages: no Nagle delay
    socket.setKeepAlive(true, 5_000);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => this.end(err.code ?? err.message));
    socket.on('close', () => this.end('the connection was closed'));
  }

  /** The error this channel ended with, if it was lost. */
  get failed(): TfscaleError | undefined {
    return this.failure;
  }

  /**
   * Sends a request; resolves to the reply, rejects with the peer's error or the loss error. A
   * peer that does not answer within `timeoutMs` counts as lost (a host that died silently
   * sends no reset).
   */
  request(head: MessageHead, arrays: readonly Float32Array[] = [], timeoutMs?: number): Promise<Message> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => this.fail(this.lostError(`no reply to '${head.t}' within ${timeoutMs} ms`)), timeoutMs);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.write({ ...head, id }, arrays);
    });
  }

  /** Sends a message that expects no reply. */
  notify(head: MessageHead, arrays: readonly Float32Array[] = []): void {
    if (!this.failure && !this.closing) this.write(head, arrays);
  }

  /** The peer is about to close the channel (it was told to stop): that is no loss. */
  expectEnd(): void {
    this.expected = true;
  }

  /** Ends the channel from this side (after flushing what was written); pending requests fail. */
  close(): Promise<void> {
    if (this.closing || this.socket.destroyed) return Promise.resolve();
    this.closing = true;
    this.rejectPending(new TfscaleError('TFSCALE_E_PS_CONNECT_FAILED', `The channel to ${this.peer} was closed.`));
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), 2_000).unref();
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
      this.socket.resume();
    });
  }

  private write(head: MessageHead, arrays: readonly Float32Array[]): void {
    const parts = encodeMessage(head, arrays);
    this.socket.cork();
    for (const part of parts) this.socket.write(part);
    this.socket.uncork();
  }

  private receive(chunk: Buffer): void {
    let messages: Message[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      this.fail(err as TfscaleError);
      return;
    }
    for (const m of messages) this.dispatch(m);
  }

  private dispatch(m: Message): void {
    const { t, re } = m.head as MessageHead & { re?: number };
    if (t === 'reply' || t === 'error') {
      const waiter = this.pending.get(re ?? -1);
      this.pending.delete(re ?? -1);
      if (t === 'reply') waiter?.resolve(m);
      else waiter?.reject(errorFromWire(m.head.error, this.peer));
    } else if (m.head.id !== undefined) this.answer(m, m.head.id);
    else this.onNotice(m);
  }

  private async answer(m: Message, id: number): Promise<void> {
    try {
      const reply = await this.onRequest(m);
      this.notify({ ...reply.head, t: 'reply', re: id }, reply.arrays ?? []);
    } catch (err) {
      this.notify({ t: 'error', re: id, error: errorToWire(err) });
    }
  }

  private end(reason: string): void {
    if (this.closing || this.expected) {
      this.closing = true;
      this.rejectPending(new TfscaleError('TFSCALE_E_PS_CONNECT_FAILED', `${this.peer} closed the channel.`));
      this.onClose(undefined);
      this.onClose = () => {};
      return;
    }
    this.fail(this.lostError(reason));
  }

  private fail(err: TfscaleError): void {
    if (this.failure || this.closing) return;
    this.failure = err;
    this.rejectPending(err);
    this.socket.destroy();
    this.onClose(err);
    this.onClose = () => {};
  }

  private rejectPending(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
