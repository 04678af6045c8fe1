#!/usr/bin/env node
/**
 * Compile a solc standard-JSON input with solc-js and print the standard-JSON output.
 *
 * Usage:
 *   node scripts/solc_compile.js [--base-path DIR] [--include-path DIR]... < input.json > output.json
 *   node scripts/solc_compile.js --version
 *
 * Imports that solc cannot find among the inline sources go through an import callback, which
 * tries, in order: the base path (default: the repository root), each include path, the base
 * path's node_modules/, and the current directory; then the same after applying the input's
 * remappings (solc applies them before calling back, so that is only a fallback).
 * Only the compiler's JSON reaches stdout; anything else solc-js logs goes to stderr.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..');

/** Parse `--base-path`, `--include-path` and `--version` from argv. */
function parseArgs(argv) {
  const options = { basePath: REPO_ROOT, includePaths: [], version: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--version') {
      options.version = true;
    } else if (arg === '--base-path' && i + 1 < argv.length) {
      options.basePath = path.resolve(argv[(i += 1)]);
    } else if (arg === '--include-path' && i + 1 < argv.length) {
      options.includePaths.push(path.resolve(argv[(i += 1)]));
    } else {
      throw new Error(`unrecognised argument '${arg}'`);
    }
  }
  return options;
}

/** Apply `[context:]prefix=target` remappings to an import path; returns [] when none match. */
function remap(importPath, remappings) {
  const remapped = [];
  for (const entry of remappings) {
    const mapping = entry.slice(entry.indexOf(':') + 1);
    const eq = mapping.indexOf('=');
    const prefix = mapping.slice(0, eq);
    if (eq > 0 && importPath.startsWith(prefix)) {
      remapped.push(mapping.slice(eq + 1) + importPath.slice(prefix.length));
    }
  }
  return remapped;
}

/** Every filesystem location where `importPath` may live, most specific first. */
function candidates(importPath, options, remappings) {
  const names = [importPath, ...remap(importPath, remappings)];
  const roots = [
    options.basePath,
    ...options.includePaths,
    path.join(options.basePath, 'node_modules'),
    process.cwd(),
  ];
  const found = [];
  for (const name of names) {
    if (path.isAbsolute(name)) {
      found.push(name);
    } else {
      roots.forEach((root) => found.push(path.join(root, name)));
    }
  }
  return found;
}

/** Build the solc-js import callback. */
function importCallback(options, remappings) {
  return (importPath) => {
    for (const file of candidates(importPath, options, remappings)) {
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        return { contents: fs.readFileSync(file, 'utf8') };
      }
    }
    return { error: `File not found: ${importPath}` };
  };
}

/** The remappings of a standard-JSON input; none if it does not parse (solc reports that). */
function inputRemappings(input) {
  try {
    return (JSON.parse(input).settings || {}).remappings || [];
  } catch {
    return [];
  }
}

/** Read all of stdin as a string. */
function readStdin() {
  return fs.readFileSync(0, 'utf8');
}

/** Compile stdin (or print the version) and write the result to stdout. */
function main() {
  const options = parseArgs(process.argv.slice(2));
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  console.log = console.error;
  const solc = require('solc');
  if (options.version) {
    stdoutWrite(`${solc.version()}\n`);
    return;
  }
  const input = readStdin();
  const output = solc.compile(input, { import: importCallback(options, inputRemappings(input)) });
  stdoutWrite(`${output}\n`);
}

main();
