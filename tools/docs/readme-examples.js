#!/usr/bin/env node
// README examples are files: a README marks a code block with
//   <!-- example: examples/monitor/app-metrics.ts -->
//   (a blank line, as prettier writes it)
// and the block that follows must equal that file (CI type-checks and runs the files:
// packages/e2e/src/examples.e2e.spec.ts). `node tools/docs/readme-examples.js --write` copies
// every file into its block; without --write it lists blocks that differ and exits 1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const MARK = /<!-- example: (\S+) -->\n\n?```(\w+)\n([\s\S]*?)```\n/g;

/** Every README of the workspace (root and packages/*). */
function readmes() {
  const pkgs = fs.readdirSync(path.join(ROOT, 'packages'));
  return ['README.md', ...pkgs.map((p) => path.join('packages', p, 'README.md'))].filter((f) =>
    fs.existsSync(path.join(ROOT, f)),
  );
}

/** The marked blocks of one README: { readme, file, lang, block, expected }. */
function blocks(readme) {
  const text = fs.readFileSync(path.join(ROOT, readme), 'utf8');
  return [...text.matchAll(MARK)].map((m) => ({
    readme,
    file: m[1],
    lang: m[2],
    block: m[3],
    expected: fs.existsSync(path.join(ROOT, m[1]))
      ? fs.readFileSync(path.join(ROOT, m[1]), 'utf8')
      : undefined,
  }));
}

/** Rewrites each marked block of `readme` with its file's content. */
function write(readme) {
  const file = path.join(ROOT, readme);
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(MARK, (all, example, lang) => {
    const source = path.join(ROOT, example);
    if (!fs.existsSync(source)) return all;
    return `<!-- example: ${example} -->\n\n\`\`\`${lang}\n${fs.readFileSync(source, 'utf8')}\`\`\`\n`;
  });
  if (next !== text) fs.writeFileSync(file, next);
  return next !== text;
}

module.exports = { readmes, blocks, write };

if (require.main === module) {
  const all = readmes();
  if (process.argv.includes('--write')) {
    for (const r of all) if (write(r)) console.log(`updated ${r}`);
  } else {
    const stale = all.flatMap(blocks).filter((b) => b.block !== b.expected);
    for (const b of stale)
      console.log(`${b.readme}: the block for ${b.file} differs from the file`);
    process.exitCode = stale.length > 0 ? 1 : 0;
  }
}
