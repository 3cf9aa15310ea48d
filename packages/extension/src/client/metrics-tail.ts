import * as fs from 'node:fs';
import type { MetricsEvent } from '../shared/messages';
import { parseMetricsLines } from '../shared/metrics-series';

/**
 * Follows a MetricsStream JSONL file: reads what is there, then what gets appended (polling, so
 * it works before the file exists and on every file system).
 * @example
 *   const tail = new MetricsTail('runs/x/metrics.jsonl', (events) => chart.add(events));
 *   tail.start();
 *   tail.dispose();
 */
export class MetricsTail {
  #offset = 0;
  #rest = '';
  #timer: NodeJS.Timeout | undefined;
  #reading = false;

  constructor(
    readonly file: string,
    private readonly onEvents: (events: MetricsEvent[]) => void,
    private readonly intervalMs = 200,
  ) {}

  /** Reads the file so far at once, then polls. */
  start(): void {
    this.poll();
    this.#timer = setInterval(() => this.poll(), this.intervalMs);
  }

  /** Reads whatever was appended since the last call. */
  poll(): void {
    if (this.#reading) return;
    this.#reading = true;
    try {
      const size = fs.existsSync(this.file) ? fs.statSync(this.file).size : 0;
      if (size < this.#offset) {
        this.#offset = 0; // the file was replaced
        this.#rest = '';
      }
      if (size === this.#offset) return;
      const fd = fs.openSync(this.file, 'r');
      try {
        const buf = Buffer.alloc(size - this.#offset);
        fs.readSync(fd, buf, 0, buf.length, this.#offset);
        this.#offset = size;
        const { events, rest } = parseMetricsLines(this.#rest + buf.toString('utf8'));
        this.#rest = rest;
        if (events.length > 0) this.onEvents(events);
      } finally {
        fs.closeSync(fd);
      }
    } finally {
      this.#reading = false;
    }
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
