/**
 * The whole extract suite again with the WebAssembly fast path on every chunk, however short, and a 61-byte
 * window, so tokens cross window ends and the hand-over to the JS scanner runs all the time. (The other
 * files run it as shipped: on chunks of 256 bytes or more, 128 KiB at a time.)
 */
import { configureFastScan } from '../../src/extract/fast-scan.js';

if (!configureFastScan({ enabled: true, window: 61, minBytes: 1 })) {
  throw new Error('WebAssembly SIMD is not available: the fast path cannot be tested here.');
}

await import('./cases.test.js');
await import('./stream.test.js');
await import('./worst-case.test.js');
await import('./properties.test.js');
