import { fileURLToPath } from 'node:url';

/** The project root (tests run from dist/test/…, fixtures live in the source tree). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = `${ROOT}test/fixtures/`;
export const BIN = `${ROOT}bin/rdc.js`;
