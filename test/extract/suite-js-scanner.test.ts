/**
 * The whole extract suite again with the WebAssembly fast path off: the JS scanner alone, which is the
 * reference and the fallback where WebAssembly SIMD is missing, must pass every case by itself.
 */
import { configureFastScan } from '../../src/extract/fast-scan.js';

configureFastScan({ enabled: false });

await import('./cases.test.js');
await import('./stream.test.js');
await import('./worst-case.test.js');
await import('./properties.test.js');
