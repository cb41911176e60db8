/**
 * The WebAssembly fast path of the extract scanner (source: fast-scan.wat, built into fast-scan-module.ts).
 *
 * It looks at 16 bytes per step with SIMD compares, the way simdjson's first stage classifies quotes,
 * backslashes and brackets, and runs the JS scanner's `Out` state over a window of the chunk copied into its
 * memory: brackets, strings (escapes included) and `"key": integer` up to 15 digits. Anything else — a line
 * break in a string, a key with escapes before `:`, a value that is not a short integer, a token that runs
 * past the window — it hands back at the token's opening quote, and the JS scanner, which stays the
 * reference, takes that token. The two are compared on generated input by `test/extract/fast-scan.test.ts`.
 *
 * Where WebAssembly SIMD is missing, or the keys do not fit its table, the JS scanner does everything.
 */
import { FAST_SCAN_WASM } from './fast-scan-module.js';
import type { KeySet } from './key-set.js';

/** Bytes of the input window; also the largest window a test may set. */
const WINDOW = 0x20000;
const KEYS = 0x20100;
const KEY_ENTRY = 64;
/** Longest key the table holds, in UTF-8 bytes, and most keys it holds. */
const MAX_KEY_BYTES = KEY_ENTRY - 16;
const MAX_KEYS = 64;
const STATUS = 0x21800;
const VALUES = 0x22000;
const STARTS = 0x62000;
const ENDS = 0x82000;
const KEY_INDEXES = 0xa2000;
const MATCHES = 0x8000;

/** A key set as the WebAssembly table holds it. */
export interface FastKeys {
  /** Key names, by the index the table reports. */
  readonly names: readonly string[];
  /** The table's bytes: count, then one entry per key. */
  readonly table: Uint8Array;
}

/** The key table for `keys`, or undefined when they do not fit (the JS scanner then does everything). */
export function fastKeys(keys: KeySet): FastKeys | undefined {
  const entries = keys.byLength.flatMap((list) => list ?? []);
  if (entries.length > MAX_KEYS || keys.maxBytes > MAX_KEY_BYTES) return undefined;
  const table = new Uint8Array(16 + entries.length * KEY_ENTRY);
  const view = new DataView(table.buffer);
  view.setInt32(0, entries.length, true);
  let lengths = 0n;
  for (const entry of entries) lengths |= 1n << BigInt(entry.bytes.length);
  view.setBigUint64(8, lengths, true);
  entries.forEach((entry, k) => {
    view.setInt32(16 + k * KEY_ENTRY, entry.bytes.length, true);
    table.set(entry.bytes, 16 + k * KEY_ENTRY + 4);
  });
  return { names: entries.map((e) => e.name), table };
}

/** One instance of the module: its memory views and its scan function. Scans are synchronous, so one serves all. */
export class FastScan {
  /** The window, at the start of memory. */
  readonly bytes: Uint8Array;
  /** After a scan: bracket depth, number of matches, and 1 when it stopped at a token for the JS scanner. */
  readonly status: Int32Array;
  /** Values of the matches found by the last scan. */
  readonly values: Float64Array;
  /** Their start offsets, in the window. */
  readonly starts: Int32Array;
  /** Their end offsets, in the window. */
  readonly ends: Int32Array;
  /** Their keys, as indexes into {@link FastKeys.names}. */
  readonly keyIndexes: Int32Array;
  /** Scans `[from, end)` of the window at bracket depth `depth`; see fast-scan.wat. */
  readonly scan: (from: number, end: number, depth: number, maxDigits: number) => number;
  /** Bumped by every copy into the window, so a scanner can tell whether its window is still there. */
  generation = 0;
  /** Window size in bytes. */
  window = WINDOW;
  /** Shortest rest of a chunk worth a call; shorter rests are left to the JS scanner. */
  minBytes = 256;
  #keys: FastKeys | undefined;

  constructor(instance: WebAssembly.Instance) {
    const exports = instance.exports as { memory: WebAssembly.Memory; scan: FastScan['scan'] };
    const buffer = exports.memory.buffer;
    this.bytes = new Uint8Array(buffer);
    this.status = new Int32Array(buffer, STATUS, 3);
    this.values = new Float64Array(buffer, VALUES, MATCHES);
    this.starts = new Int32Array(buffer, STARTS, MATCHES);
    this.ends = new Int32Array(buffer, ENDS, MATCHES);
    this.keyIndexes = new Int32Array(buffer, KEY_INDEXES, MATCHES);
    this.scan = exports.scan;
  }

  /** Loads `keys` into the table unless they are there already. */
  useKeys(keys: FastKeys): void {
    if (this.#keys === keys) return;
    this.bytes.set(keys.table, KEYS);
    this.#keys = keys;
  }
}

let instance: FastScan | null | undefined;
let enabled = true;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function instantiate(): FastScan | null {
  try {
    // Compiled on first use, so importing tickwork never does it. The module is about 1 KB: small enough for
    // synchronous compilation everywhere.
    const bytes = decodeBase64(FAST_SCAN_WASM);
    if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null;
    return new FastScan(new WebAssembly.Instance(new WebAssembly.Module(bytes)));
  } catch {
    return null;
  }
}

/** The fast path, or undefined where it is off or WebAssembly SIMD is not available. */
export function fastScanner(): FastScan | undefined {
  if (!enabled) return undefined;
  if (instance === undefined) instance = instantiate();
  return instance ?? undefined;
}

/**
 * Turns the fast path on or off and sets its window and threshold; for tests, which compare it with the JS
 * scanner and make it run on small inputs and windows. Returns whether WebAssembly SIMD is available.
 * @internal
 */
export function configureFastScan(options: { enabled?: boolean; window?: number; minBytes?: number }): boolean {
  if (options.enabled !== undefined) enabled = options.enabled;
  if (instance === undefined) instance = instantiate();
  if (instance) {
    if (options.window !== undefined) instance.window = Math.max(1, Math.min(WINDOW, options.window));
    if (options.minBytes !== undefined) instance.minBytes = Math.max(1, options.minBytes);
  }
  return instance !== null;
}
