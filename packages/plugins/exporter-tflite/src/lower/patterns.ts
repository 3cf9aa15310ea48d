/**
 * Multi-node patterns lowered as one builtin, found before the node-by-node pass. The exact
 * GELU the graph builder writes, `x * (0.5 * (1 + erf(x / sqrt(2))))`, becomes GELU
 * (approximate = false): TFLite has no Erf, and GELU computes the same formula.
 */
import type { FrozenNode } from '@tfscale/sdk';
import type { LoweringContext } from './context';
import { sameAsFirst } from './shape-rules';

function isScalar(ctx: LoweringContext, name: string, value: number): boolean {
  const c = ctx.graph.constant(name);
  if (c?.dtype !== 'float32' || c.values.length !== 1) return false;
  const v = (c.values as Float32Array)[0]!;
  return Math.abs(v - value) <= 1e-6 * Math.abs(value);
}

/** The other input of a binary `node` whose one input is `name`, or undefined. */
function other(node: FrozenNode, name: string): string | undefined {
  const [a, b] = node.inputs;
  if (a?.name === name) return b?.name;
  if (b?.name === name) return a?.name;
  return undefined;
}

/**
 * Registers GELU lowerings on `ctx` for every exact-GELU pattern around an Erf, and marks the
 * pattern's inner nodes fused. Nodes read from outside the pattern keep it from matching.
 *
 * @example
 * ```ts
 * findGeluPatterns(ctx); // then lower node by node; the pattern's root emits GELU
 * ```
 */
export function findGeluPatterns(ctx: LoweringContext): void {
  const { graph } = ctx;
  for (const erf of graph.nodes) {
    if (erf.op !== 'Erf' || !erf.inputs[0]) continue;
    const div = graph.node(erf.inputs[0].node);
    if (div.op !== 'RealDiv' || !div.inputs[0] || !div.inputs[1] || ctx.soleConsumer(div) !== erf) continue;
    const x = div.inputs[0].name;
    if (!isScalar(ctx, div.inputs[1].name, Math.SQRT2)) continue;
    const add = ctx.soleConsumer(erf);
    const one = add?.op === 'AddV2' ? other(add, `${erf.name}:0`) : undefined;
    if (!add || !one || !isScalar(ctx, one, 1)) continue;
    const half = ctx.soleConsumer(add);
    const c = half?.op === 'Mul' ? other(half, `${add.name}:0`) : undefined;
    if (!half || !c || !isScalar(ctx, c, 0.5)) continue;
    const root = ctx.soleConsumer(half);
    if (root?.op !== 'Mul' || other(root, `${half.name}:0`) !== x) continue;
    for (const inner of [div, erf, add, half]) ctx.fused.add(inner.name);
    ctx.overrides.set(root.name, (c2, node) => {
      c2.emitFor(node, {
        op: 'GELU',
        inputs: [c2.tensor(x, node)],
        rule: sameAsFirst,
        options: { type: 'GeluOptions', approximate: false },
      });
    });
  }
}
