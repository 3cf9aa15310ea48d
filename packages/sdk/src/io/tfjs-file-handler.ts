import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { loadTf } from '../backend/tf';
import { TfscaleError } from '../core/errors';

const MODEL_JSON = 'model.json';
const WEIGHTS = 'group1-shard1of1.bin';

/** Strips `file://`; plain paths pass through. */
export function filePath(url: string): string {
  return url.startsWith('file://') ? url.slice('file://'.length) : url;
}

/**
 * A tfjs IOHandler for a local folder in the TF.js Layers format (`model.json` + one weights
 * shard), written in pure JavaScript so it works on every backend, not only with tfjs-node.
 * @example
 *   await model.save(tfjsFolder('file://models/digits'));
 *   const again = await tf.loadLayersModel(tfjsFolder('models/digits'));
 */
export function tfjsFolder(url: string): io.IOHandler {
  const dir = filePath(url);
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      const tf = loadTf();
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new TfscaleError('TFSCALE_E_INVALID_VALUE', 'Graph models cannot be saved in the Layers format.');
      }
      await fs.mkdir(dir, { recursive: true });
      const weightsManifest = [{ paths: [WEIGHTS], weights: artifacts.weightSpecs ?? [] }];
      const json: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest,
      };
      if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      const data = artifacts.weightData
        ? tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[])
        : new ArrayBuffer(0);
      await fs.writeFile(path.join(dir, WEIGHTS), new Uint8Array(data));
      await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<io.ModelArtifacts> {
      const tf = loadTf();
      let json: io.ModelJSON;
      try {
        json = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), 'utf8')) as io.ModelJSON;
      } catch (err) {
        throw new TfscaleError(
          'TFSCALE_E_INVALID_VALUE',
          `No TF.js model at ${path.join(dir, MODEL_JSON)}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(
          manifest
            .flatMap((group) => group.paths)
            .map(async (p) => {
              const b = await fs.readFile(path.join(dir, p));
              return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
            }),
        );
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
