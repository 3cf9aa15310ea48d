/**
 * Typed encode/decode of TensorFlow's Event and Summary messages (protobufjs reflection over
 * `tensorflowRoot()`). Field names are the proto names in camelCase.
 */
import type { Type } from 'protobufjs';
import { tensorflowRoot } from './proto-root';

/**
 * `tensorflow.DataType` values used in summaries.
 *
 * @example
 * ```ts
 * const tensor: TensorMessage = { dtype: DataType.DT_STRING, stringVal: [Buffer.from('hi')] };
 * ```
 */
export const DataType = { DT_FLOAT: 1, DT_DOUBLE: 2, DT_INT32: 3, DT_STRING: 7, DT_INT64: 9, DT_BOOL: 10 } as const;

/**
 * `tensorflow.HistogramProto`: bucket `i` counts values in `(bucketLimit[i-1], bucketLimit[i]]`
 * (the first from -DBL_MAX).
 *
 * @example
 * ```ts
 * const h: HistogramMessage = { min: 1, max: 1, num: 1, sum: 1, sumSquares: 1, bucketLimit: [1.0000000000000002], bucket: [1] };
 * ```
 */
export interface HistogramMessage {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sumSquares?: number;
  bucketLimit?: number[];
  bucket?: number[];
}

/**
 * `tensorflow.TensorShapeProto`.
 *
 * @example
 * ```ts
 * const scalar: TensorShapeMessage = { dim: [] };
 * ```
 */
export interface TensorShapeMessage {
  dim?: Array<{ size?: number; name?: string }>;
  unknownRank?: boolean;
}

/**
 * `tensorflow.TensorProto` (the fields summaries use).
 *
 * @example
 * ```ts
 * const t: TensorMessage = { dtype: DataType.DT_FLOAT, tensorShape: {}, floatVal: [0.5] };
 * ```
 */
export interface TensorMessage {
  dtype?: number;
  tensorShape?: TensorShapeMessage;
  versionNumber?: number;
  tensorContent?: Uint8Array;
  halfVal?: number[];
  floatVal?: number[];
  doubleVal?: number[];
  intVal?: number[];
  stringVal?: Uint8Array[];
  int64Val?: number[];
  boolVal?: boolean[];
}

/**
 * `tensorflow.SummaryMetadata`: which TensorBoard plugin reads a value.
 *
 * @example
 * ```ts
 * const meta: SummaryMetadataMessage = { pluginData: { pluginName: 'text', content: new Uint8Array() } };
 * ```
 */
export interface SummaryMetadataMessage {
  pluginData?: { pluginName?: string; content?: Uint8Array };
  displayName?: string;
  summaryDescription?: string;
  dataClass?: number;
}

/**
 * `tensorflow.Summary.Value`: one tagged scalar, histogram or tensor.
 *
 * @example
 * ```ts
 * const v: SummaryValueMessage = { tag: 'epoch_loss', simpleValue: 0.25 };
 * ```
 */
export interface SummaryValueMessage {
  tag?: string;
  nodeName?: string;
  metadata?: SummaryMetadataMessage;
  simpleValue?: number;
  histo?: HistogramMessage;
  tensor?: TensorMessage;
}

/**
 * `tensorflow.Event`: one record of an events file. `step` is an int64, decoded as a number
 * (exact up to 2^53).
 *
 * @example
 * ```ts
 * const e: EventMessage = { wallTime: Date.now() / 1000, step: 3, summary: { value: [{ tag: 'epoch_loss', simpleValue: 0.25 }] } };
 * ```
 */
export interface EventMessage {
  wallTime?: number;
  step?: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: { value?: SummaryValueMessage[] };
  metaGraphDef?: Uint8Array;
}

let eventType: Type | undefined;

function getEventType(): Type {
  // Parsed on first use: importing the SDK stays cheap for runs that write no events.
  eventType ??= tensorflowRoot().lookupType('tensorflow.Event');
  return eventType;
}

/**
 * Serializes an {@link EventMessage} to protobuf wire bytes.
 *
 * @example
 * ```ts
 * writer.write(encodeEvent({ wallTime: 1700000000.5, fileVersion: 'brain.Event:2' }));
 * ```
 */
export function encodeEvent(event: EventMessage): Uint8Array {
  const type = getEventType();
  return type.encode(type.fromObject(event as Record<string, unknown>)).finish();
}

/**
 * Parses protobuf wire bytes into an {@link EventMessage} (absent fields stay absent; bytes
 * fields are Buffers; int64 fields are numbers).
 *
 * @example
 * ```ts
 * for (const record of readTfRecordFileSync(path)) console.log(decodeEvent(record).step);
 * ```
 */
export function decodeEvent(bytes: Uint8Array): EventMessage {
  const type = getEventType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Buffer, enums: Number }) as EventMessage;
}
