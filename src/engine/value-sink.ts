/**
 * A reusable buffer of (key, value) pairs that variable resolvers fill for one target. A
 * transaction owns one and resets it per target, so resolving targets allocates nothing.
 * `key` is null for scalar variables.
 */
export class ValueSink {
  keys: Array<string | null> = [];
  values: string[] = [];
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(key: string | null, value: string): void {
    const n = this.length;
    if (n < this.values.length) {
      this.keys[n] = key;
      this.values[n] = value;
    } else {
      this.keys.push(key);
      this.values.push(value);
    }
    this.length = n + 1;
  }
}
