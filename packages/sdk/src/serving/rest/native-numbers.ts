/**
 * Loads the REST reader's native number scanner (packages/sdk/native/json_numbers.cc, built by
 * scripts/setup-native.js as `tfscale_json.node`). It takes the plain numbers of an array
 * straight from the body bytes, several times faster than JS; missing or broken, the reader
 * parses everything in JS with the same results.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The addon's one function: scans `number , number ...` from `pos` into `values` / `kinds`
 * (from index `from` up to their length) and returns the index after the last one written;
 * `state[0]` is where the reader goes on and `state[1]` is 1 when the array's closing `]` was
 * consumed too.
 * @example
 *   const end = scanner.scan(body, i, values, kinds, 0, state);
 */
export interface NumberScanner {
  scan(
    body: Uint8Array,
    pos: number,
    values: Float64Array,
    kinds: Uint8Array,
    from: number,
    state: Float64Array,
  ): number;
}

/** The scan() signature this code calls (json_numbers.cc exports the one it has). */
const ABI = 2;
let cached: { scanner?: NumberScanner } | undefined;
let disabled = false;

/**
 * Where the built addon is looked for: `TFSCALE_JSON_ADDON`, else the package's native/build.
 * @example
 *   jsonAddonPath(); // '/…/packages/sdk/native/build/Release/tfscale_json.node'
 */
export function jsonAddonPath(): string {
  return (
    process.env.TFSCALE_JSON_ADDON ??
    path.resolve(__dirname, '..', '..', '..', 'native', 'build', 'Release', 'tfscale_json.node')
  );
}

/**
 * The scanner, or undefined when it is not built, does not load, or is switched off.
 * @example
 *   if (numberScanner()) { fast(); }
 */
export function numberScanner(): NumberScanner | undefined {
  if (disabled) return undefined;
  if (!cached) {
    const file = jsonAddonPath();
    cached = {};
    try {
      if (fs.existsSync(file)) {
        const mod = require(file) as Partial<NumberScanner> & { abi?: number };
        // A build older than its source (setup-native not rerun) is not called with new arguments.
        if (typeof mod.scan === 'function' && mod.abi === ABI) cached.scanner = mod as NumberScanner;
      }
    } catch {
      // A broken build only costs speed.
    }
  }
  return cached.scanner;
}

/**
 * Turns the scanner off (true) or back on, for tests comparing both paths. Internal.
 * @example
 *   setNumberScannerDisabled(true); parseJson(body); setNumberScannerDisabled(false);
 */
export function setNumberScannerDisabled(off: boolean): void {
  disabled = off;
}
