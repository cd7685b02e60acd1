#!/usr/bin/env node
// Launcher for the compiled CLI; `npm run build` produces dist/.
import '../dist/cli/main.js';
