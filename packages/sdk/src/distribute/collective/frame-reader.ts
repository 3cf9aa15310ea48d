/**
 * Turns a socket's byte stream into frames. Data payloads stream straight into the sink the
 * owner supplies for them (no intermediate buffer); a data frame that nobody waits for yet pauses
 * the reader, and the socket with it, so the sender feels flow control instead of this process
 * buffering a peer that runs ahead.
 */
import { decodeHeader, type FrameHeader, FrameKind, HEADER_BYTES, MAX_CONTROL_BYTES } from './frame';
import { CopySink, type PayloadSink } from './payload-sink';

const EMPTY = Buffer.alloc(0);

/**
 * What a {@link FrameReader} reports to its owner.
 *
 * @example
 * ```ts
 * const events: FrameReaderEvents = { sinkFor: () => undefined, dataEnd() {}, control() {}, malformed() {}, pause() {}, resume() {} };
 * ```
 */
export interface FrameReaderEvents {
  /** A data header arrived: its sink, `undefined` to pause until {@link FrameReader.retry}, or `null` to stop (refused). */
  sinkFor(header: FrameHeader): PayloadSink | undefined | null;
  /** The current data frame's payload is complete. */
  dataEnd(header: FrameHeader, sink: PayloadSink): void;
  control(kind: FrameKind, body: Record<string, unknown>): void;
  /** The stream is not valid framing; the reader stops. */
  malformed(what: string): void;
  /** Stop / restart the socket's reading. */
  pause(): void;
  resume(): void;
}

/**
 * An incremental frame parser.
 *
 * @example
 * ```ts
 * const reader = new FrameReader(events);
 * socket.on('data', (chunk) => reader.push(chunk));
 * ```
 */
export class FrameReader {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerFill = 0;
  private current?: { header: FrameHeader; sink?: PayloadSink; filled: number };
  private paused = false;
  private stash: Buffer[] = [];
  private stopped = false;

  constructor(private readonly events: FrameReaderEvents) {}

  /** Feeds bytes from the socket (kept in order while paused). */
  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.paused) this.stash.push(chunk);
    else this.consume(chunk);
  }

  /** A receive was posted: if paused on a data frame, asks for its sink again and carries on. */
  retry(): void {
    if (!this.paused || this.stopped || !this.attach()) return;
    // An empty chunk first completes a paused frame that has no payload bytes (a barrier token).
    const chunks = [EMPTY, ...this.stash];
    this.stash = [];
    this.paused = false;
    for (let i = 0; i < chunks.length; i++) {
      if (this.paused || this.stopped) {
        this.stash.push(...chunks.slice(i)); // paused again inside an earlier chunk: keep the rest in order
        break;
      }
      this.consume(chunks[i]);
    }
    if (!this.paused && !this.stopped) this.events.resume();
  }

  /** Ignores everything from now on. */
  stop(): void {
    this.stopped = true;
    this.stash = [];
  }

  private consume(chunk: Buffer): void {
    let off = 0;
    while (!this.stopped) {
      if (!this.current) {
        if (off >= chunk.length) return;
        const n = Math.min(HEADER_BYTES - this.headerFill, chunk.length - off);
        chunk.copy(this.header, this.headerFill, off, off + n);
        this.headerFill += n;
        off += n;
        if (this.headerFill < HEADER_BYTES) return;
        this.headerFill = 0;
        if (!this.begin()) {
          if (this.paused) this.stash = off < chunk.length ? [chunk.subarray(off)] : [];
          return;
        }
      }
      const f = this.current!;
      const n = Math.min(f.header.length - f.filled, chunk.length - off);
      if (n > 0) {
        f.sink!.write(chunk, off, off + n, f.filled);
        f.filled += n;
        off += n;
      }
      if (f.filled < f.header.length) return;
      this.current = undefined;
      this.finish(f.header, f.sink!);
    }
  }

  /** Starts the frame whose header is in `this.header`; false when reading must stop or pause. */
  private begin(): boolean {
    let header: FrameHeader;
    try {
      header = decodeHeader(this.header);
    } catch (err) {
      this.stop();
      this.events.malformed((err as Error & { summary?: string }).summary ?? String(err));
      return false;
    }
    this.current = { header, filled: 0 };
    if (header.kind !== FrameKind.Data) {
      if (header.length > MAX_CONTROL_BYTES) {
        this.stop();
        this.events.malformed(`a ${header.length}-byte control frame`);
        return false;
      }
      this.current.sink = new CopySink(new Uint8Array(header.length));
      return true;
    }
    if (this.attach()) return true;
    if (!this.stopped) {
      this.paused = true;
      this.events.pause();
    }
    return false;
  }

  private attach(): boolean {
    const f = this.current!;
    const sink = this.events.sinkFor(f.header);
    if (sink === null) this.stop();
    if (!sink) return false;
    f.sink = sink;
    return true;
  }

  private finish(header: FrameHeader, sink: PayloadSink): void {
    if (header.kind === FrameKind.Data) {
      this.events.dataEnd(header, sink);
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(Buffer.from(sink.result()).toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // An unreadable body stays {}: the owner treats it per kind (abort: generic peer-lost error).
    }
    this.events.control(header.kind, body);
  }
}
