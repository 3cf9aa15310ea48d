/**
 * TF Serving's batching parameters: the `--batching_parameters_file` text proto
 * (`BatchingParameters`, servables/tensorflow/session_bundle_config.proto) and the defaults of
 * TF's `SharedBatchScheduler::QueueOptions` for everything the file leaves out.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { invalidValue, notImplemented } from '../../core/errors';
import type { TextMessageSchema } from '../model-config-text';
import { parseTextConfig, wrapper } from '../text-config';

/**
 * Batching knobs, named as in the parameters file (camelCase).
 * @example
 *   const o: BatchingOptions = { ...defaultBatchingOptions(), maxBatchSize: 32, allowedBatchSizes: [8, 16, 32] };
 */
export interface BatchingOptions {
  /** Largest batch in rows; a request with more rows fails (default 1000). */
  maxBatchSize: number;
  /** How long the first request of a batch waits for others, in µs (default 0: no wait). */
  batchTimeoutMicros: number;
  /** Batches that may wait (the open one included) before requests are refused (default 10). */
  maxEnqueuedBatches: number;
  /** Batches executing at once, across all models (default: the CPU count). */
  numBatchThreads: number;
  /** Label of the queuing-latency metric (TF Serving leaves it empty). */
  threadPoolName: string;
  /** Sizes a batch is padded up to, increasing, the last equal to maxBatchSize (default none). */
  allowedBatchSizes: number[];
}

/**
 * The defaults TF Serving uses for fields absent from the parameters file.
 * @example
 *   defaultBatchingOptions().maxBatchSize; // 1000
 */
export function defaultBatchingOptions(): BatchingOptions {
  return {
    maxBatchSize: 1000,
    batchTimeoutMicros: 0,
    maxEnqueuedBatches: 10,
    numBatchThreads: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
    threadPoolName: '',
    allowedBatchSizes: [],
  };
}

/**
 * `tensorflow.serving.BatchingParameters` (servables/tensorflow/session_bundle_config.proto) for
 * the text parser.
 * @example
 *   parseTextProto('max_batch_size { value: 8 }', BATCHING_PARAMETERS_SCHEMA);
 */
export const BATCHING_PARAMETERS_SCHEMA: TextMessageSchema = {
  name: 'tensorflow.serving.BatchingParameters',
  fields: {
    max_batch_size: { kind: 'message', message: wrapper('Int64Value', 'int64') },
    batch_timeout_micros: { kind: 'message', message: wrapper('Int64Value', 'int64') },
    max_enqueued_batches: { kind: 'message', message: wrapper('Int64Value', 'int64') },
    num_batch_threads: { kind: 'message', message: wrapper('Int64Value', 'int64') },
    thread_pool_name: { kind: 'message', message: wrapper('StringValue', 'string') },
    allowed_batch_sizes: { kind: 'int64', repeated: true },
    pad_variable_length_inputs: { kind: 'bool' },
    enable_large_batch_splitting: { kind: 'message', message: wrapper('BoolValue', 'bool') },
    max_execution_batch_size: { kind: 'message', message: wrapper('Int64Value', 'int64') },
  },
};

interface ParsedParameters {
  maxBatchSize?: { value?: number };
  batchTimeoutMicros?: { value?: number };
  maxEnqueuedBatches?: { value?: number };
  numBatchThreads?: { value?: number };
  threadPoolName?: { value?: string };
  allowedBatchSizes?: number[];
  padVariableLengthInputs?: boolean;
  enableLargeBatchSplitting?: { value?: boolean };
  maxExecutionBatchSize?: { value?: number };
}

/**
 * Parses a BatchingParameters text proto (`max_batch_size { value: 128 }` wrappers, repeated
 * `allowed_batch_sizes: 32`), fills defaults and validates.
 * @example
 *   parseBatchingParameters('max_batch_size { value: 8 } batch_timeout_micros { value: 1000 }');
 */
export function parseBatchingParameters(text: string, source = 'batching_parameters_file'): BatchingOptions {
  const hint =
    'The file is a text-format BatchingParameters, e.g. max_batch_size { value: 32 } batch_timeout_micros { value: 1000 } allowed_batch_sizes: 8 allowed_batch_sizes: 32';
  const p = parseTextConfig(text, BATCHING_PARAMETERS_SCHEMA, source, hint) as ParsedParameters;
  if (p.padVariableLengthInputs) {
    throw notImplemented('`pad_variable_length_inputs`', 'Send equally shaped inputs, or batch them client-side.');
  }
  if (p.enableLargeBatchSplitting?.value) {
    throw notImplemented('`enable_large_batch_splitting`', 'Keep requests at most max_batch_size rows.');
  }
  const d = defaultBatchingOptions();
  return validateBatchingOptions({
    maxBatchSize: p.maxBatchSize?.value ?? d.maxBatchSize,
    batchTimeoutMicros: p.batchTimeoutMicros?.value ?? d.batchTimeoutMicros,
    maxEnqueuedBatches: p.maxEnqueuedBatches?.value ?? d.maxEnqueuedBatches,
    numBatchThreads: p.numBatchThreads?.value ?? d.numBatchThreads,
    threadPoolName: p.threadPoolName?.value ?? d.threadPoolName,
    allowedBatchSizes: p.allowedBatchSizes ?? [],
  });
}

/**
 * Reads `--batching_parameters_file`.
 * @example
 *   const options = readBatchingParameters('batching.config');
 */
export function readBatchingParameters(file: string): BatchingOptions {
  return parseBatchingParameters(fs.readFileSync(file, 'utf8'), file);
}

/**
 * Checks the options as TF Serving does at model load (message texts are TF's).
 * @example
 *   validateBatchingOptions({ ...defaultBatchingOptions(), maxBatchSize: 8, allowedBatchSizes: [4, 8] });
 */
export function validateBatchingOptions(o: BatchingOptions): BatchingOptions {
  const positive = (name: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 1) throw invalidValue(name, v, 'an integer >= 1');
  };
  positive('max_batch_size', o.maxBatchSize);
  positive('max_enqueued_batches', o.maxEnqueuedBatches);
  positive('num_batch_threads', o.numBatchThreads);
  if (!Number.isSafeInteger(o.batchTimeoutMicros) || o.batchTimeoutMicros < 0) {
    throw invalidValue('batch_timeout_micros', o.batchTimeoutMicros, 'an integer >= 0');
  }
  const sizes = o.allowedBatchSizes;
  sizes.forEach((s, i) => {
    if (!Number.isSafeInteger(s) || s < 1 || (i > 0 && s <= sizes[i - 1]!)) {
      throw invalidValue('allowed_batch_sizes', sizes, 'allowed_batch_sizes entries must be monotonically increasing');
    }
  });
  if (sizes.length > 0 && sizes[sizes.length - 1] !== o.maxBatchSize) {
    throw invalidValue(
      'allowed_batch_sizes',
      sizes,
      `Last entry in allowed_batch_sizes must match max_batch_size; last entry was ${sizes[sizes.length - 1]}; expected ${o.maxBatchSize}`,
    );
  }
  return o;
}

/**
 * TF's `RoundToLowestAllowedBatchSize`: the smallest allowed size >= `size` (or `size` itself).
 * @example
 *   roundToAllowedBatchSize([2, 4, 8], 3); // 4
 */
export function roundToAllowedBatchSize(allowed: readonly number[], size: number): number {
  for (const a of allowed) if (a >= size) return a;
  return size;
}
