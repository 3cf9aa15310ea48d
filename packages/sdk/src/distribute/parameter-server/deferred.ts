/**
 * A promise with its resolve and reject at hand, for events that arrive from sockets.
 */

/**
 * A promise settled from outside; `settled` tells whether it was.
 *
 * @example
 * ```ts
 * const stopped = new Deferred<void>();
 * channel.onNotice = () => stopped.resolve();
 * await stopped.promise;
 * ```
 */
export class Deferred<T> {
  readonly promise: Promise<T>;
  settled = false;
  private settle!: { resolve(value: T): void; reject(err: unknown): void };

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A rejection nobody awaits yet is still handled: whoever awaits later sees it.
    this.promise.catch(() => {});
  }

  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.settle.resolve(value);
  }

  reject(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.settle.reject(err);
  }
}
