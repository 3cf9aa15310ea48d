/**
 * TF Serving's `--grpc_channel_arguments` (grpc-core channel args) mapped onto the node:http2
 * server: the few that still mean something here apply, the rest are ignored with a warning
 * (rather than failing a server that TF Serving would start).
 */
import { invalidValue } from '../../core/errors';

/**
 * Channel arguments by grpc-core name, e.g. `{ 'grpc.max_receive_message_length': 1 << 20 }`.
 * @example
 *   const args: GrpcChannelArguments = { 'grpc.max_concurrent_streams': 100 };
 */
export type GrpcChannelArguments = Readonly<Record<string, string | number>>;

/**
 * The arguments this server applies.
 * @example
 *   const { maxReceive } = resolveChannelArguments({ 'grpc.max_receive_message_length': 1024 }, console.warn);
 */
export interface ResolvedChannelArguments {
  maxReceive?: number;
  maxSend?: number;
  maxConcurrentStreams?: number;
  maxFrameSize?: number;
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * Validates and maps channel arguments; `warn` gets one line per ignored argument.
 * @example
 *   resolveChannelArguments({ 'grpc.keepalive_time_ms': 1000 }, logger.warn); // {} and a warning
 */
export function resolveChannelArguments(
  args: GrpcChannelArguments,
  warn: (message: string) => void,
): ResolvedChannelArguments {
  const out: ResolvedChannelArguments = {};
  for (const [name, raw] of Object.entries(args)) {
    const value = Number(raw);
    const int = (min: number, max: number, expected: string): number => {
      if (!Number.isInteger(value) || value < min || value > max) throw invalidValue(name, raw, expected);
      return value;
    };
    switch (name) {
      case 'grpc.max_receive_message_length':
      case 'grpc.max_send_message_length': {
        // -1 is grpc-core's "unlimited"; a message length is at most INT32_MAX either way.
        const n = int(-1, INT32_MAX, 'a byte count from 0 to 2147483647, or -1 for no limit');
        const bytes = n === -1 ? INT32_MAX : n;
        if (name === 'grpc.max_receive_message_length') out.maxReceive = bytes;
        else out.maxSend = bytes;
        break;
      }
      case 'grpc.max_concurrent_streams':
        out.maxConcurrentStreams = int(1, 2 ** 32 - 1, 'a stream count of at least 1');
        break;
      case 'grpc.http2.max_frame_size':
        out.maxFrameSize = int(16_384, 16_777_215, 'a frame size from 16384 to 16777215 (HTTP/2 limits)');
        break;
      default:
        warn(
          `gRPC channel argument ${name}=${raw} is ignored: tfscale's gRPC server applies only ` +
            'grpc.max_receive_message_length, grpc.max_send_message_length, grpc.max_concurrent_streams ' +
            'and grpc.http2.max_frame_size.',
        );
    }
  }
  return out;
}

/**
 * Parses TF Serving's `--grpc_channel_arguments` text: comma-separated `name=value` pairs.
 * @example
 *   parseChannelArguments('grpc.max_concurrent_streams=100,grpc.max_receive_message_length=-1');
 */
export function parseChannelArguments(text: string): GrpcChannelArguments {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1)
      throw invalidValue(
        'grpc_channel_arguments',
        text,
        'comma-separated name=value pairs, e.g. grpc.max_concurrent_streams=100',
      );
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}
