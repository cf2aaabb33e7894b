#!/usr/bin/env node
// Generates src/onnx-schema.json, the protobufjs JSON descriptor of the official
// ONNX schema in proto/onnx.proto (copied unchanged from ONNX 1.12,
// onnx/onnx.proto, Apache-2.0). The library loads that descriptor with
// protobufjs/light (no .proto parser, no file access, so it runs in browsers).
// `--check` fails when the committed file is not what the .proto gives.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoPath = join(root, 'proto', 'onnx.proto');
const outPath = join(root, 'src', 'onnx-schema.json');

const parsed = protobuf.parse(readFileSync(protoPath, 'utf8'), { keepCase: true });
const json = parsed.root.toJSON({ keepComments: false });
// Not to be edited: change the .proto and run `pnpm generate`.
const text = `${JSON.stringify(json)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(outPath, 'utf8');
  } catch {}
  if (current !== text) {
    process.stderr.write(`${outPath} is out of date with proto/onnx.proto: run pnpm generate\n`);
    process.exit(1);
  }
} else {
  writeFileSync(outPath, text);
  process.stdout.write(`wrote ${outPath} (${text.length} bytes)\n`);
}
