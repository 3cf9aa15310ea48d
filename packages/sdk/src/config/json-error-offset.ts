// V8's JSON.parse messages give the offset for some errors only ("Unexpected token ']', "[1,]" is
// not valid JSON" has none), so this small scanner finds where a syntax error is.

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/;
const WHITESPACE = /[ \t\n\r]*/y;

class Scanner {
  i = 0;
  constructor(private readonly text: string) {}

  fail(offset = this.i): never {
    throw new JsonSyntaxAt(offset);
  }

  skip(): void {
    WHITESPACE.lastIndex = this.i;
    WHITESPACE.exec(this.text);
    this.i = WHITESPACE.lastIndex;
  }

  match(pattern: RegExp): void {
    pattern.lastIndex = this.i;
    if (!pattern.test(this.text)) this.fail();
    this.i = pattern.lastIndex;
  }

  // Control characters and bad escapes are errors where they are, not at the opening quote.
  string(): void {
    let j = this.i + 1;
    for (;;) {
      if (j >= this.text.length) this.fail(j);
      const c = this.text[j];
      if (c === '"') break;
      if (c < ' ') this.fail(j);
      if (c === '\\') {
        const sequence = ESCAPE.exec(this.text.slice(j + 1, j + 6));
        if (!sequence) this.fail(j + 1);
        j += 1 + sequence[0].length;
      } else j++;
    }
    this.i = j + 1;
  }

  literal(word: string): void {
    for (const c of word) {
      if (this.text[this.i] !== c) this.fail();
      this.i++;
    }
  }

  list(close: string, item: () => void): void {
    this.i++;
    this.skip();
    if (this.text[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      item();
      this.skip();
      const c = this.text[this.i];
      this.i++;
      if (c === close) return;
      if (c !== ',') this.fail(this.i - 1);
      this.skip();
    }
  }

  value(): void {
    this.skip();
    const c = this.text[this.i];
    if (c === '{') {
      this.list('}', () => {
        if (this.text[this.i] !== '"') this.fail();
        this.string();
        this.skip();
        if (this.text[this.i] !== ':') this.fail();
        this.i++;
        this.value();
      });
    } else if (c === '[') this.list(']', () => this.value());
    else if (c === '"') this.string();
    else if (c === 't') this.literal('true');
    else if (c === 'f') this.literal('false');
    else if (c === 'n') this.literal('null');
    else {
      // V8 blames the character after a lone minus sign.
      if (c === '-' && !/\d/.test(this.text[this.i + 1] ?? '')) this.fail(this.i + 1);
      this.match(NUMBER);
    }
  }
}

/**
 * The character offset of the first JSON syntax error in `text`, or undefined when it is valid JSON.
 * @example
 *   jsonErrorOffset('[1,]'); // 3
 *   jsonErrorOffset('{"a": 1}'); // undefined
 */
export function jsonErrorOffset(text: string): number | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.skip();
    if (scanner.i < text.length) scanner.fail();
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntaxAt) return Math.min(err.offset, text.length);
    throw err;
  }
}
