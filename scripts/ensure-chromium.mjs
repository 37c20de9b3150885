#!/usr/bin/env node
// Runs before `npm test` (the `pretest` script): the dashboard's browser test drives a real
// Chromium, and a fresh machine has none. Finds one, or installs Debian's package when this process
// may (root, with apt-get); otherwise says exactly what to install. The browser test imports
// `findChromium` from here, so both agree on one binary.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive: GITGRANT_CHROMIUM when set, else the first usual path that exists. */
export function findChromium() {
  const chosen = process.env.GITGRANT_CHROMIUM;
  if (chosen) return executable(chosen) ? chosen : undefined;
  return CANDIDATES.find(executable);
}

function mayInstall() {
  return process.getuid?.() === 0 && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

function install() {
  console.error('gitgrant tests: Chromium is missing; installing Debian\'s chromium package (once, about a minute)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const run = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (run.status !== 0) return false;
  }
  return true;
}

function ensureChromium() {
  let path = findChromium();
  if (!path && !process.env.GITGRANT_CHROMIUM && mayInstall() && install()) path = findChromium();
  if (path) return;
  const wanted = process.env.GITGRANT_CHROMIUM ? `GITGRANT_CHROMIUM=${process.env.GITGRANT_CHROMIUM} is not an executable` : 'no Chromium found';
  console.error(`gitgrant tests: ${wanted}; the dashboard's browser test needs one.`);
  console.error('hint: install it (Debian/Ubuntu: sudo apt-get install chromium), or set GITGRANT_CHROMIUM to a Chromium or Chrome binary.');
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureChromium();
