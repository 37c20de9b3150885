#!/usr/bin/env node
// The entry of the committed bundle (dist/gitgrant.mjs, built by `npm run bundle`).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
