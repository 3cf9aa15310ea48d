import * as fs from 'node:fs';
import type { Backend, BackendAvailability } from './backend';
import { packageDir, readNativeStatus } from './native-status';
import { loadTf, type Tf } from './tf';

/** Probe reason when the machine simply has no NVIDIA GPU: normal, never warned about. */
export const NO_GPU_REASON = 'no NVIDIA GPU (no driver under /proc/driver/nvidia/gpus)';

function hasNvidiaDriver(): boolean {
  try {
    return fs.readdirSync('/proc/driver/nvidia/gpus').length > 0;
  } catch {
    return false;
  }
}

interface NativeBinding {
  TF_Version?: string;
}

/**
 * TensorFlow's own C kernels through `@tensorflow/tfjs-node` (or `-gpu`), built by
 * `tfscale setup-native` against the TensorFlow pip wheel.
 * @example
 *   const native = new NativeBackend(false);
 *   if ((await native.probe()).available) await native.activate();
 */
export class NativeBackend implements Backend {
  readonly name: string;
  readonly tfjsBackend = 'tensorflow';
  readonly priority: number;
  private readonly pkg: string;

  constructor(readonly gpu: boolean) {
    this.name = gpu ? 'native-gpu' : 'native';
    this.pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
    this.priority = gpu ? 300 : 200;
  }

  async probe(): Promise<BackendAvailability> {
    if (this.gpu && !hasNvidiaDriver()) {
      return { available: false, reason: NO_GPU_REASON, detail: { expected: true } };
    }
    if (!packageDir(this.pkg)) {
      return {
        available: false,
        reason: `${this.pkg} is not installed`,
        fix: this.gpu
          ? `npm install ${this.pkg}@4.22.0 && npx tfscale setup-native --gpu`
          : 'npm install && npx tfscale setup-native',
      };
    }
    const status = readNativeStatus(this.pkg);
    if (!status?.ok) {
      return {
        available: false,
        reason: status?.reason ?? 'not built',
        fix: status?.fix ?? 'npx tfscale setup-native',
      };
    }
    return {
      available: true,
      version: status.tensorflow,
      detail: { package: this.pkg, flavor: status.flavor, source: status.source },
    };
  }

  async activate(): Promise<Tf> {
    // Quiets TensorFlow's C++ INFO/WARNING logs once its logging is up; users can override.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
    const tf = loadTf();
    // tfjs-node registers the 'tensorflow' backend and file:// handlers into the shared tfjs engine.
    require(packageDir(this.pkg) ?? this.pkg);
    await tf.setBackend(this.tfjsBackend);
    await tf.ready();
    return tf;
  }

  /** TensorFlow version the loaded addon reports, e.g. '2.21.0'. */
  static loadedVersion(tf: Tf): string | undefined {
    const backend = tf.backend() as unknown as { binding?: NativeBinding };
    return backend.binding?.TF_Version;
  }
}
