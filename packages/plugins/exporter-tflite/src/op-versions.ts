/**
 * `OperatorCode.version` for each operator written, by TensorFlow Lite's rules
 * (tensorflow/lite/tools/versioning/op_version.cc, `GetBuiltinOperatorVersion`) restricted to
 * the types and options this exporter produces. A runtime refuses a model whose op versions it
 * does not know, so the version must be the lowest one that describes the op exactly.
 */
import type { TfliteModel, TfliteOperator } from './tflite-ir';

function tensorAt(model: TfliteModel, op: TfliteOperator, kind: 'inputs' | 'outputs', i: number) {
  const index = op[kind][i];
  return index === undefined || index < 0 ? undefined : model.tensors[index];
}

const perChannel = (t: { quantization?: { scale: readonly number[] } } | undefined) =>
  (t?.quantization?.scale.length ?? 0) > 1;

/**
 * The version of `op` in `model`.
 *
 * @example
 * ```ts
 * operatorVersion(model, model.operators[0]!); // 12 for a per-channel hybrid FULLY_CONNECTED
 * ```
 */
export function operatorVersion(model: TfliteModel, op: TfliteOperator): number {
  const input0 = tensorAt(model, op, 'inputs', 0);
  const input1 = tensorAt(model, op, 'inputs', 1);
  const output0 = tensorAt(model, op, 'outputs', 0);
  const hybrid = input0?.type === 'float32' && input1?.type === 'int8' && output0?.type === 'float32';
  const maxRank = Math.max(0, ...op.inputs.map((i) => (i < 0 ? 0 : model.tensors[i]!.shape.length)));
  const broadcast5d =
    op.inputs.length >= 2 && maxRank > 4 && String(input0?.shape) !== String(tensorAt(model, op, 'inputs', 1)?.shape);
  const o = op.options;
  switch (op.op) {
    case 'CONV_2D':
      if (hybrid) return perChannel(input1) ? 5 : 2;
      return 1;
    case 'DEPTHWISE_CONV_2D':
      if (hybrid) return perChannel(input1) ? 6 : 4;
      if (o?.type === 'DepthwiseConv2DOptions' && (o.dilationW !== 1 || o.dilationH !== 1)) return 2;
      return 1;
    case 'FULLY_CONNECTED': {
      if (hybrid && perChannel(input1)) return 12;
      if (op.inputs.length === 2) return 6;
      if (o?.type === 'FullyConnectedOptions' && o.keepNumDims) return 5;
      if (hybrid) return o?.type === 'FullyConnectedOptions' && o.asymmetricQuantizeInputs ? 9 : 3;
      return 1;
    }
    case 'GATHER':
      return input0?.type === 'int8' ? 2 : 1;
    case 'DEQUANTIZE':
      if (input0?.type === 'int8') return perChannel(input0) ? 5 : 2;
      return 1;
    case 'TRANSPOSE':
      if (maxRank > 5) return 6;
      return maxRank > 4 ? 4 : 1;
    case 'STRIDED_SLICE':
      return maxRank > 4 ? 4 : 1;
    case 'SUB':
    case 'MAXIMUM':
    case 'MINIMUM':
      return broadcast5d ? 3 : 1;
    case 'DIV':
      return broadcast5d ? 2 : 1;
    default:
      return 1;
  }
}
