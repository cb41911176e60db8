/** A pull-based byte queue over an async iterator of chunks: exact reads for headers, chunked reads for bodies. */
export class ByteQueue {
  readonly #it: AsyncIterator<Uint8Array>;
  #bufs: Buffer[] = [];
  #length = 0;
  #done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#it = source[Symbol.asyncIterator]();
  }

  /** Bytes buffered now. */
  get length(): number {
    return this.#length;
  }

  /** Buffers until at least `n` bytes are available; false if the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.#length < n && !this.#done) {
      const r = await this.#it.next();
      if (r.done) this.#done = true;
      else if (r.value.length > 0) {
        const b = r.value;
        this.#bufs.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
        this.#length += b.length;
      }
    }
    return this.#length >= n;
  }

  /** The first `n` buffered bytes, without consuming them (call `fill(n)` first). */
  peek(n: number): Buffer {
    if (this.#bufs.length > 1 && this.#bufs[0]!.length < n) this.#bufs = [Buffer.concat(this.#bufs)];
    return this.#bufs[0]?.subarray(0, n) ?? Buffer.alloc(0);
  }

  /** Consumes exactly `n` buffered bytes (call `fill(n)` first). */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.#drop(n);
    return out;
  }

  /** The next chunk of at most `max` bytes, or undefined at the end of the input. */
  async next(max = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
    if (this.#length === 0 && !(await this.fill(1))) return undefined;
    const first = this.#bufs[0]!;
    const n = Math.min(first.length, max);
    const out = first.subarray(0, n);
    this.#drop(n);
    return out;
  }

  /** Puts bytes back at the front. */
  unshift(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#bufs.unshift(bytes);
    this.#length += bytes.length;
  }

  /** Stops the underlying iterator (closes a response body). */
  async close(): Promise<void> {
    await this.#it.return?.();
  }

  #drop(n: number): void {
    this.#length -= n;
    while (n > 0) {
      const first = this.#bufs[0]!;
      if (first.length <= n) {
        this.#bufs.shift();
        n -= first.length;
      } else {
        this.#bufs[0] = first.subarray(n);
        n = 0;
      }
    }
  }
}
