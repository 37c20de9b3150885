#!/usr/bin/env node
// The entry of the committed bundle (dist/gitgrant.mjs, built by `npm run bundle`).
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Exit as soon as the output is written: every awaited task is done, and leaving the process to
// wind down on its own (handles closed one by one, the heap torn down) costs every run milliseconds.
const written = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([written(process.stdout), written(process.stderr)]);
process.exit(code);
