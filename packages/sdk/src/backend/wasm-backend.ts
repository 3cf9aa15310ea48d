import type { Backend, BackendAvailability } from './backend';
import { packageDir } from './native-status';
import { loadTf, type Tf } from './tf';

/**
 * XNNPACK kernels compiled to WebAssembly (SIMD, one thread in Node): about 5× slower than
 * native TensorFlow here, but needs no compiler and no TensorFlow libraries.
 * @example
 *   await new WasmBackend().activate();
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly tfjsBackend = 'wasm';
  readonly priority = 100;

  async probe(): Promise<BackendAvailability> {
    const dir = packageDir('@tensorflow/tfjs-backend-wasm');
    if (!dir) {
      return {
        available: false,
        reason: '@tensorflow/tfjs-backend-wasm is not installed',
        fix: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
      };
    }
    const pkg = require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string };
    return { available: true, version: pkg.version, detail: { simd: true, threads: 1 } };
  }

  async activate(): Promise<Tf> {
    const tf = loadTf();
    require('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend(this.tfjsBackend);
    if (!ok) throw new Error('the WASM backend failed to initialise');
    await tf.ready();
    return tf;
  }
}

/**
 * tfjs's plain JavaScript kernels: always there, slowest (about 30× native).
 * @example
 *   await new CpuBackend().activate();
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  readonly tfjsBackend = 'cpu';
  readonly priority = 0;

  async probe(): Promise<BackendAvailability> {
    const pkg = require('@tensorflow/tfjs/package.json') as { version: string };
    return { available: true, version: pkg.version };
  }

  async activate(): Promise<Tf> {
    const tf = loadTf();
    await tf.setBackend(this.tfjsBackend);
    await tf.ready();
    return tf;
  }
}
