/**
 * Lowers the frozen inference GraphDef of a model (what `buildModelGraph` writes for every
 * graph exporter) to a single-subgraph TFLite model of builtin operators. Layer coverage and
 * "unsupported layer" errors stay in the graph builder; this step maps TensorFlow ops, and
 * names any op it cannot map with its layer scope.
 */
import type { FrozenGraph, FrozenNode, GraphSignatureTensor } from '@tfscale/sdk';
import type { TfliteModel } from '../tflite-ir';
import { LoweringContext, type OpLowerer, unsupportedOp } from './context';
import { MATH_LOWERERS } from './math-ops';
import { NN_LOWERERS } from './nn-ops';
import { findGeluPatterns } from './patterns';
import { SHAPE_LOWERERS } from './shape-ops';

/**
 * TensorFlow op -> lowerer, for every op the graph builder emits (Erf only inside GELU).
 *
 * @example
 * ```ts
 * Object.keys(TF_OP_LOWERERS).includes('Conv2D'); // true
 * ```
 */
export const TF_OP_LOWERERS: Readonly<Record<string, OpLowerer>> = {
  ...NN_LOWERERS,
  ...MATH_LOWERERS,
  ...SHAPE_LOWERERS,
};

/** Ops that produce no operator: constants are made when read, passthroughs are looked through. */
const NO_OPERATOR = new Set(['Const', 'Identity', 'ReadVariableOp', 'NoOp']);

/**
 * What {@link lowerGraph} needs besides the graph: the signature's inputs and outputs.
 *
 * @example
 * ```ts
 * const { graph, inputs, outputs } = buildModelGraph(model, { format: 'tflite', weights: 'constants' });
 * lowerGraph(FrozenGraph.from(graph.toGraphDef()), { inputs, outputs, description: 'tfscale' });
 * ```
 */
export interface LowerGraphOptions {
  readonly inputs: readonly GraphSignatureTensor[];
  readonly outputs: readonly GraphSignatureTensor[];
  readonly description: string;
}

function lowerPlaceholder(ctx: LoweringContext, node: FrozenNode): void {
  const shape = node.attr.shape('shape');
  if (!shape) throw unsupportedOp(node, 'a model input needs a known rank');
  const type = ctx.typeOf(node);
  ctx.bind(node, ctx.table.input(node.name, type, [...shape]));
}

/**
 * The TFLite model computing `graph`'s signature outputs from its inputs.
 *
 * @example
 * ```ts
 * const model = lowerGraph(frozen, { inputs, outputs, description: 'tfscale 0.1.0' });
 * ```
 */
export function lowerGraph(graph: FrozenGraph, options: LowerGraphOptions): TfliteModel {
  const outputNames = new Set(options.outputs.map((o) => graph.resolve(o.tensor.name).name));
  const ctx = new LoweringContext(graph, outputNames);
  findGeluPatterns(ctx);
  for (const node of graph.nodes) {
    if (ctx.fused.has(node.name) || NO_OPERATOR.has(node.op)) continue;
    if (node.op === 'Placeholder') {
      lowerPlaceholder(ctx, node);
      continue;
    }
    const lower =
      ctx.overrides.get(node.name) ?? (Object.hasOwn(TF_OP_LOWERERS, node.op) ? TF_OP_LOWERERS[node.op] : undefined);
    if (!lower) {
      throw unsupportedOp(
        node,
        `TensorFlow op ${node.op} has no TFLite builtin lowering. Expected one of: ${Object.keys(TF_OP_LOWERERS).sort().join(', ')}`,
      );
    }
    lower(ctx, node);
  }
  return {
    tensors: ctx.table.tensors,
    operators: ctx.table.operators,
    inputs: options.inputs.map((i) => ({ name: i.key, tensor: ctx.tensor(i.tensor.name) })),
    outputs: options.outputs.map((o) => ({ name: o.key, tensor: ctx.tensor(o.tensor.name) })),
    description: options.description,
    signatureKey: 'serving_default',
  };
}
