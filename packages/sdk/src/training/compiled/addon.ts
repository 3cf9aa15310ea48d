/**
 * Loads tfscale's own N-API addon over TensorFlow's C API (packages/sdk/native), built by
 * scripts/setup-native.js next to tfjs-node. Missing or broken, compiled mode is unavailable
 * and training runs eagerly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** An open TensorFlow session (opaque). */
export type SessionHandle = { readonly __session: unique symbol };

/** One fetched tensor: TF_DataType number, shape and a copy of its bytes. */
export interface FetchedTensor {
  readonly dtype: number;
  readonly shape: number[];
  readonly data: ArrayBuffer;
}

/**
 * The addon's functions (see native/tfscale_graph.cc).
 * @example
 *   const { graphDef, grads } = addon.differentiate(bytes, ['loss:0'], ['dense/ReadVariableOp:0'], 'gradients');
 */
export interface GraphAddon {
  differentiate(
    graphDef: Uint8Array,
    ys: string[],
    xs: string[],
    prefix: string,
  ): { graphDef: Buffer; grads: string[] };
  openSession(graphDef: Uint8Array, config: Uint8Array): SessionHandle;
  run(
    session: SessionHandle,
    feedNames: string[],
    feedDtypes: number[],
    feedShapes: number[][],
    feedData: ArrayBufferView[],
    fetchNames: string[],
    targetNames: string[],
  ): FetchedTensor[];
  readonly tensorflowVersion: string;
}

/** TF_DataType numbers of the dtypes the step feeds. */
export const TF_FLOAT = 1;
export const TF_INT32 = 3;

let cached: { addon?: GraphAddon; reason?: string } | undefined;

/** Where the built addon is looked for: `TFSCALE_GRAPH_ADDON`, else the package's native/build. */
export function addonPath(): string {
  return (
    process.env.TFSCALE_GRAPH_ADDON ??
    path.resolve(__dirname, '..', '..', '..', 'native', 'build', 'Release', 'tfscale_graph.node')
  );
}

/**
 * The addon, or why it cannot be used (one line, for the fallback notice).
 * @example
 *   const { addon, reason } = loadGraphAddon();
 *   if (!addon) logger.info(`eager step: ${reason}`);
 */
export function loadGraphAddon(): { addon?: GraphAddon; reason?: string } {
  if (cached) return cached;
  const file = addonPath();
  if (!fs.existsSync(file)) {
    cached = { reason: `the compiled-step addon is not built (${file}; rerun scripts/setup-native.js)` };
  } else {
    try {
      cached = { addon: require(file) as GraphAddon };
    } catch (err) {
      cached = { reason: `the compiled-step addon failed to load: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return cached;
}

/**
 * A serialized `tensorflow.ConfigProto` with the session's thread pools (0: TensorFlow decides).
 * Written by hand: field 2 intra_op_parallelism_threads, field 5 inter_op_parallelism_threads.
 * @example
 *   sessionConfig({ intraOp: 2, interOp: 1 }); // Uint8Array [0x10, 2, 0x28, 1]
 */
export function sessionConfig(threads: { intraOp?: number; interOp?: number } = {}): Uint8Array {
  const bytes: number[] = [];
  const field = (tag: number, value: number | undefined) => {
    if (!value) return;
    bytes.push(tag);
    for (let v = value; ; v >>>= 7) {
      if (v < 0x80) {
        bytes.push(v);
        break;
      }
      bytes.push((v & 0x7f) | 0x80);
    }
  };
  field(0x10, threads.intraOp);
  field(0x28, threads.interOp);
  return Uint8Array.from(bytes);
}
