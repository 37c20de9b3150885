/** Build step: writes the schemas as standalone validator code next to this module in dist/. */
import { writeFileSync } from 'node:fs';
import { validatorsSource } from './validators-source.js';

writeFileSync(new URL('./validators.generated.js', import.meta.url), validatorsSource({ forNode: true }));
