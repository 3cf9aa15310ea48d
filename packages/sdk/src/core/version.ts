/**
 * The SDK's own version, checked against each plugin's `meta.sdk` range.
 *
 * A constant rather than a runtime read of package.json so bundles (the VS Code extension) work;
 * `version.test.ts` keeps it equal to package.json.
 *
 * @example
 * ```ts
 * semver.satisfies(SDK_VERSION, plugin.meta.sdk);
 * ```
 */
export const SDK_VERSION = '0.1.0';
