/**
 * The collective layer for data-parallel training: ring all-reduce with gradient fusion,
 * broadcast, barrier and all-gather between processes over Unix sockets or TCP.
 */
export { listenTarget, localAddresses, parseRankAddress, type RankAddress } from './address';
export {
  type BucketedAllReduceOptions,
  bucketedAllReduce,
  DEFAULT_BYTES_PER_PACK,
  GrowableBuffer,
  type Pack,
  planPacks,
} from './bucketing';
export {
  type AllReduceOptions,
  Collective,
  type CollectiveOptions,
  type Float32Tensors,
  type ViewTensors,
} from './collective';
export { CollectiveError, type PeerRef } from './collective-error';
export {
  decodeHeader,
  encodeHeader,
  type FrameHeader,
  FrameKind,
  type FrameTag,
  fingerprint,
  HEADER_BYTES,
  OpCode,
  PROTOCOL_VERSION,
} from './frame';
export { ringAllGather } from './ring-all-gather';
export { chunkOffsets, type RingAllReduceOptions, ringAllReduce } from './ring-all-reduce';
export { ringBarrier } from './ring-barrier';
export { ringBroadcast, SEGMENT_BYTES } from './ring-broadcast';
export { type RingLink, RingTransport, type TransportOptions } from './transport';
