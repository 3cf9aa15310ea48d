/**
 * Every SignatureDef of a SavedModel's meta graph, read from `saved_model.pb` with our own
 * messages: exact shapes (unknown rank kept), method names, all signatures.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { type DecodedTensorInfo, decodeSavedModel } from '../../export/savedmodel/saved-model-proto';
import { ServingError, type SignatureSpec, type TensorSpec } from '../types';
import { dtName, dtypeFromCode } from './tf-dtypes';

/** TF's internal init signature (`__saved_model_init_op`): a NoOp, never served. */
const INIT_OP_KEY = '__saved_model_init_op';

/**
 * The signatures of a meta graph, and the ones left out (with why).
 * @example
 *   const { signatures, skipped } = await readSignatures('models/half/1', ['serve']);
 */
export interface SavedModelSignatures {
  signatures: Record<string, SignatureSpec>;
  /** `name: reason` for signatures a servable cannot carry (sparse/composite tensors, complex dtypes). */
  skipped: string[];
  /** The graph has variables and a saver to restore them (so `variables/` must be there). */
  restoresVariables: boolean;
}

/** Graph ops that hold variables (TF1 and resource variables). */
const VARIABLE_OPS = new Set(['VarHandleOp', 'VariableV2', 'Variable']);

/**
 * Reads `<dir>/saved_model.pb` and returns the signatures of the meta graph tagged exactly `tags`.
 * Throws DATA_LOSS for a file that does not parse, NOT_FOUND (TF's message) for missing tags.
 * @example
 *   (await readSignatures(dir, ['serve'])).signatures.serving_default.inputs[0].key; // 'x'
 */
export async function readSignatures(dir: string, tags: readonly string[]): Promise<SavedModelSignatures> {
  const file = path.join(dir, 'saved_model.pb');
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new ServingError('NOT_FOUND', `Could not read ${file}: ${(err as Error).message}`);
  }
  let decoded: ReturnType<typeof decodeSavedModel>;
  try {
    decoded = decodeSavedModel(bytes);
  } catch (err) {
    throw new ServingError('DATA_LOSS', `Could not parse ${file} as a SavedModel: ${(err as Error).message}`);
  }
  const want = [...new Set(tags)].sort().join(',');
  const meta = decoded.metaGraphs.find((m) => [...new Set(m.metaInfoDef?.tags ?? [])].sort().join(',') === want);
  if (!meta) {
    throw new ServingError(
      'NOT_FOUND',
      `Could not find meta graph def matching supplied tags: { ${tags.join(' ')} }. To inspect available ` +
        'tag-sets in the SavedModel, please use the SavedModel CLI: `saved_model_cli`',
    );
  }
  const signatures: Record<string, SignatureSpec> = {};
  const skipped: string[] = [];
  for (const [name, def] of Object.entries(meta.signatureDef ?? {})) {
    if (name === INIT_OP_KEY) continue;
    try {
      signatures[name] = {
        methodName: def.methodName ?? '',
        inputs: tensorSpecs(def.inputs ?? {}),
        outputs: tensorSpecs(def.outputs ?? {}),
      };
    } catch (err) {
      skipped.push(`${name}: ${(err as Error).message}`);
    }
  }
  const restoresVariables = !!meta.saverDef && (meta.graphDef?.node ?? []).some((n) => VARIABLE_OPS.has(n.op));
  return { signatures, skipped, restoresVariables };
}

function tensorSpecs(infos: Record<string, DecodedTensorInfo>): TensorSpec[] {
  return Object.entries(infos)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, info]) => {
      if (!info.name) throw new Error(`tensor "${key}" is sparse or composite, which the model server cannot feed`);
      const dtype = dtypeFromCode(info.dtype);
      if (!dtype) throw new Error(`tensor "${key}" has dtype ${dtName(info.dtype ?? 0)}`);
      const shape = info.tensorShape;
      const spec: TensorSpec = { key, name: info.name, dtype };
      if (!shape?.unknownRank) spec.shape = (shape?.dim ?? []).map((d) => Number(d.size ?? 0));
      return spec;
    });
}
