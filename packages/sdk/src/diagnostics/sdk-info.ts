import * as path from 'node:path';

/**
 * The installed `@tfscale/sdk` version, read from its package.json.
 * @example
 *   sdkVersion(); // '0.1.0'
 */
export function sdkVersion(): string {
  return (require(path.resolve(__dirname, '..', '..', 'package.json')) as { version: string }).version;
}
