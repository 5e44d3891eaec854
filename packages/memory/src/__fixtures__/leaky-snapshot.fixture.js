'use strict';
// Writes before.heapsnapshot, leaks 20,000 LeakyThing instances, writes after.heapsnapshot,
// into the folder given as argv[2]. Used by heap-diff specs.
const v8 = require('node:v8');
const path = require('node:path');
const dir = process.argv[2];
class LeakyThing {
  constructor(i) {
    this.id = i;
    this.payload = `leaky-${i}`;
  }
}
const kept = [];
v8.writeHeapSnapshot(path.join(dir, 'before.heapsnapshot'));
for (let i = 0; i < 20000; i++) kept.push(new LeakyThing(i));
v8.writeHeapSnapshot(path.join(dir, 'after.heapsnapshot'));
process.stdout.write(String(kept.length));
