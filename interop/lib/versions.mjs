// Which SDK versions a script actually loaded, read from the installed
// package.json files (nested first: @ringcentral/subscriptions pins its
// own @rc-ex/ws), so the summary names what was tested, not what was asked.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** version returns the installed version of pkg, looked up under the given parents. */
export function version(pkg, ...parents) {
  for (const dir of [...parents.map((p) => path.join('node_modules', p)), '.']) {
    try {
      return JSON.parse(readFileSync(path.join(root, dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    } catch {
      // not installed there; try the next place
    }
  }
  return 'not installed';
}
