import assert from 'node:assert/strict';
import { encodeHeader, type FrameHeader, FrameKind, OpCode } from './frame';
import { FrameReader, type FrameReaderEvents } from './frame-reader';
import { CopySink, type PayloadSink } from './payload-sink';

function dataFrame(step: number, payload: number[]): Buffer {
  const head = encodeHeader({
    kind: FrameKind.Data,
    op: OpCode.Broadcast,
    seq: 1,
    part: 0,
    step,
    check: 0,
    length: payload.length,
  });
  return Buffer.concat([head, Buffer.from(payload)]);
}

function controlFrame(kind: FrameKind, body: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(body));
  return Buffer.concat([encodeHeader({ kind, op: 0, seq: 0, part: 0, step: 0, check: 0, length: json.length }), json]);
}

/** A reader whose receives are posted by the test; records what it reports. */
function harness() {
  const log: string[] = [];
  const posted: number[] = []; // receives posted so far (their sizes, for readability)
  const events: FrameReaderEvents = {
    sinkFor: (h: FrameHeader): PayloadSink | undefined | null => {
      if (posted.shift() === undefined) return undefined;
      return new CopySink(new Uint8Array(h.length));
    },
    dataEnd: (h, sink) => log.push(`data ${h.step} [${[...sink.result()]}]`),
    control: (kind, body) => log.push(`control ${kind} ${JSON.stringify(body)}`),
    malformed: (what) => log.push(`malformed ${what.slice(0, 40)}`),
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
  };
  return { reader: new FrameReader(events), log, posted };
}

describe('distribute/collective/frame-reader', () => {
  it('parses frames split at every byte, in order', () => {
    const stream = Buffer.concat([
      controlFrame(FrameKind.Hello, { rank: 1 }),
      dataFrame(0, [1, 2, 3]),
      dataFrame(1, []),
      dataFrame(2, [4]),
    ]);
    const { reader, log, posted } = harness();
    posted.push(3, 0, 1);
    for (const byte of stream) reader.push(Buffer.from([byte]));
    assert.deepEqual(log, [`control ${FrameKind.Hello} {"rank":1}`, 'data 0 [1,2,3]', 'data 1 []', 'data 2 [4]']);
  });

  it('pauses on a data frame nobody waits for, and resumes in order once one is posted', () => {
    const { reader, log, posted } = harness();
    reader.push(Buffer.concat([dataFrame(0, [7, 8]), dataFrame(1, [9])]));
    assert.deepEqual(log, ['pause']);
    reader.push(dataFrame(2, [10])); // arrives while paused: kept
    posted.push(2);
    reader.retry();
    assert.deepEqual(log, ['pause', 'data 0 [7,8]', 'pause']);
    posted.push(1, 1);
    reader.retry();
    assert.deepEqual(log.slice(3), ['data 1 [9]', 'data 2 [10]', 'resume']);
  });

  it('completes a paused empty frame (a barrier token) as soon as its receive is posted', () => {
    const { reader, log, posted } = harness();
    reader.push(dataFrame(0, []));
    assert.deepEqual(log, ['pause']);
    posted.push(0);
    reader.retry();
    assert.deepEqual(log, ['pause', 'data 0 []', 'resume']);
  });

  it('reports garbage and stops reading', () => {
    const { reader, log } = harness();
    reader.push(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    reader.push(dataFrame(0, [1]));
    assert.equal(log.length, 1);
    assert.match(log[0], /^malformed Received bytes that are not a tfscale/);
  });
});
