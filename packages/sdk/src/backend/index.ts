/**
 * Backends: which TensorFlow kernels execute (native > wasm > cpu), and how one is chosen.
 * @packageDocumentation
 */
export type { Backend, BackendAvailability } from './backend';
export { NativeBackend, NO_GPU_REASON } from './native-backend';
export { findAddon, NATIVE_STATUS_FILE, type NativeBuildStatus, packageDir, readNativeStatus } from './native-status';
export {
  type BackendSelection,
  type BackendSource,
  registerBuiltinBackends,
  type SelectBackendOptions,
  type SkippedBackend,
  selectBackend,
} from './select-backend';
export { loadTf, type Tf } from './tf';
export { CpuBackend, WasmBackend } from './wasm-backend';
