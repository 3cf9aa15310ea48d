import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, watch } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { expectCodedError } from '../testing/conformance/helpers';
import { listEventFiles, readEventFile, readEventFileSync } from './events-reader';
import { EventFileWriter } from './events-writer';
import { computeHistogram } from './histogram';
import { DataType, decodeEvent, encodeEvent } from './proto/tensorboard-messages';

describe('formats/events-writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tfscale-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file events.out.tfevents.<seconds>.<host>.<pid>.<n> and starts it with brain.Event:2', async () => {
    const before = Date.now() / 1000;
    const writer = new EventFileWriter(join(dir, 'train'), { filenameSuffix: '.v2' });
    await writer.close();
    const name = basename(writer.path);
    const match = /^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2$/.exec(name);
    assert.ok(match, name);
    assert.ok(Math.abs(Number(match[1]) - before) <= 1);
    assert.equal(match[2], hostname());
    assert.equal(Number(match[3]), process.pid);
    assert.deepEqual(listEventFiles(join(dir, 'train')), [writer.path]);
    const [header, ...rest] = readEventFileSync(writer.path);
    assert.equal(header!.fileVersion, 'brain.Event:2');
    assert.ok(header!.wallTime! >= before - 1 && header!.wallTime! < Date.now() / 1000 + 1);
    assert.equal(rest.length, 0);
  });

  it('writes scalars (float32, zero included), histograms and text that read back exactly', async () => {
    const writer = new EventFileWriter(dir);
    writer.addScalar('epoch_loss', 0.1, 0, 1700000000.25);
    writer.addScalar('epoch_loss', 0, 1);
    writer.addHistogram('dense/kernel/histogram', new Float32Array([0.5, -1, 2]), 2);
    writer.addText('notes', 'héllo **world**', 3);
    await writer.close();
    const [, loss0, loss1, histo, text] = readEventFileSync(writer.path);
    assert.deepEqual(loss0, {
      wallTime: 1700000000.25,
      summary: { value: [{ tag: 'epoch_loss', simpleValue: Math.fround(0.1) }] },
    });
    // A zero in the `value` oneof must still be on the wire, or TensorBoard would see no scalar.
    assert.deepEqual(loss1!.summary, { value: [{ tag: 'epoch_loss', simpleValue: 0 }] });
    assert.equal(loss1!.step, 1);
    assert.equal(histo!.step, 2);
    assert.deepEqual(histo!.summary!.value![0]!.histo, computeHistogram([0.5, -1, 2]));
    const textValue = text!.summary!.value![0]!;
    assert.equal(textValue.metadata!.pluginData!.pluginName, 'text');
    assert.equal(textValue.tensor!.dtype, DataType.DT_STRING);
    assert.equal(Buffer.from(textValue.tensor!.stringVal![0]!).toString('utf8'), 'héllo **world**');
  });

  it('encodes Event fields with TensorFlow field numbers (wall_time=1 double, step=2, file_version=3, summary=5)', () => {
    const bytes = Buffer.from(
      encodeEvent({ wallTime: 1.5, step: 7, summary: { value: [{ tag: 't', simpleValue: 1 }] } }),
    );
    // 0x09: field 1 fixed64; 0x10: field 2 varint; 0x2a: field 5 length-delimited.
    assert.equal(bytes[0], 0x09);
    assert.equal(bytes.readDoubleLE(1), 1.5);
    assert.deepEqual([...bytes.subarray(9, 11)], [0x10, 7]);
    assert.equal(bytes[11], 0x2a);
    // Summary.value = 1 (0x0a); Value.tag = 1 (0x0a) "t"; Value.simple_value = 2 float (0x15).
    assert.deepEqual([...bytes.subarray(13, 18)], [0x0a, 0x08, 0x0a, 0x01, 't'.charCodeAt(0)]);
    assert.equal(bytes[18], 0x15);
    assert.equal(bytes.readFloatLE(19), 1);
    assert.deepEqual([...encodeEvent({ fileVersion: 'x' })].slice(-3), [0x1a, 0x01, 'x'.charCodeAt(0)]);
    assert.deepEqual(decodeEvent(bytes), {
      wallTime: 1.5,
      step: 7,
      summary: { value: [{ tag: 't', simpleValue: 1 }] },
    });
  });

  it('flushes buffered events on its timer', async () => {
    const writer = new EventFileWriter(dir, { flushMillis: 10 });
    await writer.flush();
    const watcher = watch(writer.path);
    try {
      const changed = new Promise<void>((resolve) => watcher.on('change', () => resolve()));
      writer.addScalar('batch_loss', 0.5, 1);
      await changed; // the timer wrote; no explicit flush
      const events = [];
      for await (const event of readEventFile(writer.path, { truncatedTail: 'stop' })) events.push(event);
      assert.equal(events.at(-1)!.summary!.value![0]!.tag, 'batch_loss');
    } finally {
      watcher.close();
      await writer.close();
    }
  });

  it('gives two writers in the same second different files', async () => {
    const a = new EventFileWriter(dir);
    const b = new EventFileWriter(dir);
    await Promise.all([a.close(), b.close()]);
    assert.notEqual(a.path, b.path);
    assert.equal(listEventFiles(dir).length, 2);
  });

  it('refuses events after close and bad options with coded errors', async () => {
    const writer = new EventFileWriter(dir);
    await writer.close();
    await writer.close();
    await expectCodedError(() => writer.addScalar('x', 1, 0), 'TFSCALE_E_WRITER_CLOSED');
    await expectCodedError(() => new EventFileWriter(dir, { flushMillis: 0 }), 'TFSCALE_E_INVALID_VALUE');
    const open = new EventFileWriter(dir);
    await expectCodedError(() => open.addScalar('x', 1, -1), 'TFSCALE_E_INVALID_VALUE');
    await expectCodedError(() => open.addHistogram('h', [Number.NaN], 0), 'TFSCALE_E_INVALID_VALUE');
    await open.close();
  });
});
