import * as path from 'node:path';

/**
 * The SDK's serving module (`packages/sdk/dist/serving`), typed from its sources, for tests that
 * need serving exports the package root does not re-export.
 * @example
 *   const { startGrpcServer } = serving;
 */
export const serving: typeof import('../../packages/sdk/src/serving') = require(
  path.resolve(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'serving'),
);

/**
 * The REST front end module (`serving/http-server`), for tests that serve through its routes.
 * @example
 *   const rest = new httpServer.ModelHttpServer({ manager, port: 0 });
 */
export const httpServer: typeof import('../../packages/sdk/src/serving/http-server') = require(
  path.resolve(__dirname, '..', '..', '..', 'packages', 'sdk', 'dist', 'serving', 'http-server'),
);
