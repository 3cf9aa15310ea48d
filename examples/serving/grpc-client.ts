/**
 * A TF Serving gRPC client as any user writes one: stubs generated at run time by
 * @grpc/proto-loader from the .proto files the SDK ships (the same as TF Serving's).
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { SERVING_PROTO_FILES, servingProtosDir, servingType } from '@tfscale/sdk';

// biome-ignore lint/suspicious/noExplicitAny: proto-loader stubs are generated at run time
type Stub = grpc.Client & Record<string, any>;

/** What GetModelMetadata says about a signature. */
export interface SignatureInfo {
  inputs: Record<string, { dtype: string; shape: number[] }>;
  outputs: Record<string, { dtype: string; shape: number[] }>;
}

interface TensorInfo {
  dtype: number | string;
  tensor_shape?: { dim?: { size: number | string | { toNumber(): number } }[] };
}

/**
 * PredictionService on `127.0.0.1:port`: Predict (float32 rows sent as `tensor_content`) and
 * GetModelMetadata (the SignatureDefMap unpacked).
 * @example
 *   const client = servingClient(8500); const y = await client.predict('digits', 'x', rows); client.close();
 */
export function servingClient(port: number) {
  const def = protoLoader.loadSync([...SERVING_PROTO_FILES], {
    includeDirs: [servingProtosDir()],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  // biome-ignore lint/suspicious/noExplicitAny: generated namespace
  const pkg = grpc.loadPackageDefinition(def) as any;
  const stub: Stub = new pkg.tensorflow.serving.PredictionService(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  // biome-ignore lint/suspicious/noExplicitAny: response messages are plain objects
  const call = (method: string, request: object): Promise<any> =>
    new Promise((resolve, reject) =>
      stub[method](request, (e: Error | null, r: unknown) => (e ? reject(e) : resolve(r))),
    );

  return {
    /** Predict on `model` (latest version, or `spec.version` / `spec.label`); rows of float32. */
    async predict(
      model: string,
      inputKey: string,
      rows: number[][],
      spec: { version?: number; label?: string } = {},
    ): Promise<{ version: number; outputs: Record<string, number[][]> }> {
      const request = {
        model_spec: {
          name: model,
          signature_name: 'serving_default',
          ...(spec.version !== undefined ? { version: { value: String(spec.version) } } : {}),
          ...(spec.label !== undefined ? { version_label: spec.label } : {}),
        },
        inputs: {
          [inputKey]: {
            dtype: 'DT_FLOAT',
            tensor_shape: { dim: [{ size: rows.length }, { size: rows[0]!.length }] },
            tensor_content: Buffer.from(Float32Array.from(rows.flat()).buffer),
          },
        },
      };
      const response = await call('Predict', request);
      const outputs: Record<string, number[][]> = {};
      for (const [key, t] of Object.entries(response.outputs as Record<string, Record<string, unknown>>)) {
        const dims = (t.tensor_shape as { dim: { size: string }[] }).dim.map((d) => Number(d.size));
        const content = t.tensor_content as Buffer;
        const flat =
          content.length > 0
            ? Array.from(
                new Float32Array(content.buffer.slice(content.byteOffset, content.byteOffset + content.length)),
              )
            : (t.float_val as number[]);
        outputs[key] = Array.from({ length: dims[0]! }, (_, i) => flat.slice(i * dims[1]!, (i + 1) * dims[1]!));
      }
      return { version: Number(response.model_spec.version.value), outputs };
    },

    /** GetModelMetadata: the signatures, unpacked from their `google.protobuf.Any`. */
    async metadata(model: string): Promise<{ version: number; signatures: Record<string, SignatureInfo> }> {
      const r = await call('GetModelMetadata', { model_spec: { name: model }, metadata_field: ['signature_def'] });
      const any = r.metadata.signature_def as { type_url: string; value: Buffer };
      const map = servingType('tensorflow.serving.SignatureDefMap').toObject(
        servingType('tensorflow.serving.SignatureDefMap').decode(any.value),
        { enums: String, longs: Number },
      ) as {
        signature_def: Record<string, { inputs: Record<string, TensorInfo>; outputs: Record<string, TensorInfo> }>;
      };
      const info = (m: Record<string, TensorInfo>) =>
        Object.fromEntries(
          Object.entries(m).map(([k, t]) => [
            k,
            { dtype: String(t.dtype), shape: (t.tensor_shape?.dim ?? []).map((d) => Number(d.size)) },
          ]),
        );
      const signatures = Object.fromEntries(
        Object.entries(map.signature_def).map(([name, s]) => [
          name,
          { inputs: info(s.inputs), outputs: info(s.outputs) },
        ]),
      );
      return { version: Number(r.model_spec.version.value), signatures };
    },

    close: () => stub.close(),
  };
}
