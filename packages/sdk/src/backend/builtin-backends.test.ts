import { describeBackendConformance } from '../testing';
import { NativeBackend } from './native-backend';
import { CpuBackend, WasmBackend } from './wasm-backend';

// The first-party backends pass the same suite a third-party backend must pass.
describeBackendConformance('native', () => new NativeBackend(false), { activate: true });
describeBackendConformance('native-gpu', () => new NativeBackend(true), { activate: true });
describeBackendConformance('wasm', () => new WasmBackend(), { activate: true });
describeBackendConformance('cpu', () => new CpuBackend(), { activate: true });
