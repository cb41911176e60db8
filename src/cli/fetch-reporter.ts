import type { CliIo } from './io.js';

/** What `tickwork isin fetch` shows on a terminal while it works. */
export interface FetchReporter {
  /** A `fetch` that reports each attempt, its failure and the retry that follows. */
  readonly fetch: typeof fetch;
  /** Draws bytes and rows read so far, at most five times a second, on one line. */
  onProgress(progress: { bytes: number; totalBytes?: number; rows: number }): void;
  /** Clears the progress line before the result is printed. */
  done(): void;
}

const reason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
};

/**
 * Progress and retries on stderr, so a slow or unreachable server never looks like a hang: each failed attempt
 * says why, each retry says which attempt of how many it is. Used only when stderr is a terminal and the
 * output is not `--json` (machine output stays quiet).
 */
export function fetchReporter(io: CliIo, source: string, attempts: number): FetchReporter {
  let attempt = 0;
  let lastDraw = 0;
  let drawn = false;
  const line = (text: string) => {
    io.stderr.write(`${drawn ? '\r\x1b[K' : ''}${text}\n`);
    drawn = false;
  };
  return {
    fetch: async (input, init) => {
      attempt++;
      line(attempt === 1 ? `fetching ${source}` : `  retrying: attempt ${attempt} of ${attempts}`);
      try {
        const response = await globalThis.fetch(input, init);
        if (response.status >= 500 || response.status === 429) {
          line(`  attempt ${attempt} failed: HTTP ${response.status}`);
        }
        return response;
      } catch (error) {
        if (!init?.signal?.aborted) line(`  attempt ${attempt} failed: ${reason(error)}`);
        throw error;
      }
    },
    onProgress(p) {
      const now = Date.now();
      if (now - lastDraw < 200) return;
      lastDraw = now;
      const mb = (p.bytes / 1e6).toFixed(1);
      const of = p.totalBytes ? ` of ${(p.totalBytes / 1e6).toFixed(1)}` : '';
      io.stderr.write(`\r\x1b[K  ${mb}${of} MB · ${p.rows} rows`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}
