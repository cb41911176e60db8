import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's version, for `tickwork --version`. Found by walking up from this module to the
 * nearest `package.json` named `tickwork`, because the module sits at a different depth in `dist/` (bundled)
 * than in `src/` (tests), and a JSON import would bundle the whole manifest into the build.
 */
export function packageVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'tickwork' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // No readable package.json here: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
