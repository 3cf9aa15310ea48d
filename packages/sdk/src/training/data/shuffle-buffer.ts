import { invalidValue } from '../../core/errors';
import type { SeededRandom } from './seeded-random';

/**
 * tf.data's `shuffle(buffer_size)` with a seeded random stream: fill a buffer of `bufferSize`
 * items, then emit a random one and put the next input in its place; drain the rest randomly.
 * The output order is a pure function of the input order, `bufferSize` and the random stream.
 * A buffer at least as long as the input gives a uniform shuffle.
 *
 * @example
 * ```ts
 * for await (const row of shuffleBuffered(rows(), 10_000, SeededRandom.derive(seed, epoch))) use(row);
 * ```
 */
export async function* shuffleBuffered<T>(
  source: AsyncIterable<T>,
  bufferSize: number,
  random: SeededRandom,
): AsyncGenerator<T> {
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1)
    throw invalidValue('shuffleBuffer', bufferSize, 'an integer >= 1');
  const buffer: T[] = [];
  for await (const item of source) {
    if (buffer.length < bufferSize) {
      buffer.push(item);
      continue;
    }
    const i = random.nextInt(bufferSize);
    const out = buffer[i]!;
    buffer[i] = item;
    yield out;
  }
  while (buffer.length > 0) {
    const i = random.nextInt(buffer.length);
    const out = buffer[i]!;
    buffer[i] = buffer[buffer.length - 1]!;
    buffer.pop();
    yield out;
  }
}
