#!/usr/bin/env node
// renet's entry point; bin/bundle.mjs bundles it (with everything it imports) into dist/renet/renet.cjs,
// the single file rdc uploads to servers. Like bin/rdc.js, the only place that exits the process.
// (No top-level await: the bundle is CommonJS for Node >= 18.)
import { renetMain } from '../dist/src/renet/main.js';

renetMain(process.argv.slice(2)).then((code) => process.exit(code));
