import type { Backend, BackendAvailability } from '../../backend/backend';
import { describeBackendConformance } from './backend-conformance';

/** A real minimal backend: tfjs' pure-JS kernels, probed by resolving the package. */
function jsBackend(packageName: string): Backend {
  return {
    name: 'js-cpu',
    tfjsBackend: 'cpu',
    priority: 0,
    async probe(): Promise<BackendAvailability> {
      try {
        require.resolve(packageName);
        return { available: true, detail: { package: packageName } };
      } catch (err) {
        return {
          available: false,
          reason: `${packageName} is not installed (${(err as Error).message.split('\n')[0]})`,
          fix: `npm install ${packageName}`,
        };
      }
    },
    async activate(): Promise<unknown> {
      const tf = await import('@tensorflow/tfjs');
      await tf.setBackend('cpu');
      await tf.ready();
      return tf;
    },
  };
}

describeBackendConformance('js-cpu (in-test)', () => jsBackend('@tensorflow/tfjs'), { activate: true });
describeBackendConformance('js-cpu, package missing (in-test)', () => jsBackend('@tfscale/no-such-package'));
