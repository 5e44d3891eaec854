#!/usr/bin/env node
// Copies the page's static files and uPlot's build into dist/public, so the package serves its
// page with no CDN and no bundler: node packages/dashboard/scripts/copy-assets.js
'use strict';
const { copyFileSync, mkdirSync, readdirSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist', 'public');
mkdirSync(join(out, 'vendor'), { recursive: true });
for (const name of readdirSync(join(root, 'src', 'public'))) {
  copyFileSync(join(root, 'src', 'public', name), join(out, name));
}
const uplot = join(dirname(require.resolve('uplot/package.json', { paths: [root] })), 'dist');
for (const name of ['uPlot.iife.min.js', 'uPlot.min.css']) {
  copyFileSync(join(uplot, name), join(out, 'vendor', name));
}
copyFileSync(join(uplot, '..', 'LICENSE'), join(out, 'vendor', 'uPlot.LICENSE.txt'));
