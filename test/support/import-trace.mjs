/**
 * `node --import ./test/support/import-trace.mjs ...`: records the URL of every module the process
 * resolves through ESM (static and dynamic imports) in the file named by GITGRANT_IMPORT_TRACE, one
 * per line, so a test can prove what a command did not load.
 */
import { register } from 'node:module';

const file = process.env.GITGRANT_IMPORT_TRACE;
if (file) register('./import-trace-hooks.mjs', import.meta.url, { data: { file } });
