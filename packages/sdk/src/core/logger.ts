/**
 * The small logging interface every collaborator receives through `LoggerToken`.
 */

/**
 * Where the SDK writes diagnostics. Hosts (CLI, VS Code language server) supply their own.
 *
 * @example
 * ```ts
 * const logger: Logger = container.resolve(LoggerToken);
 * logger.warn('Native backend missing; falling back to wasm.');
 * ```
 */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/**
 * Severity threshold, lowest first.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'debug';
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/**
 * The default logger: `console`, prefixed, with a level threshold.
 *
 * @example
 * ```ts
 * const logger = new ConsoleLogger('debug');
 * logger.debug('probing backends'); // [tfscale] probing backends
 * ```
 */
export class ConsoleLogger implements Logger {
  constructor(
    readonly level: LogLevel = 'info',
    readonly prefix = '[tfscale]',
  ) {}

  debug(message: string, ...details: unknown[]): void {
    if (this.#enabled('debug')) console.debug(`${this.prefix} ${message}`, ...details);
  }

  info(message: string, ...details: unknown[]): void {
    if (this.#enabled('info')) console.info(`${this.prefix} ${message}`, ...details);
  }

  warn(message: string, ...details: unknown[]): void {
    if (this.#enabled('warn')) console.warn(`${this.prefix} ${message}`, ...details);
  }

  error(message: string, ...details: unknown[]): void {
    if (this.#enabled('error')) console.error(`${this.prefix} ${message}`, ...details);
  }

  #enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }
}

/**
 * A logger that drops everything (tests, embedding hosts that log elsewhere).
 *
 * @example
 * ```ts
 * const container = createRootContainer({ logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});
