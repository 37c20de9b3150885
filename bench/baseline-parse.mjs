// Baseline for bench:validate: read every access file and parse it with `yaml`, nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = process.argv[2];
let count = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.yaml')) {
      parse(readFileSync(path, 'utf8'));
      count++;
    }
  }
};
for (const top of ['policies', 'roles', 'grants']) walk(join(root, top));
process.stdout.write(`parsed ${count} files\n`);
