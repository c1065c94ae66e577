#!/usr/bin/env node
// The only place that decides the process exit code: main() resolves to it and never exits itself.
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv.slice(2));
