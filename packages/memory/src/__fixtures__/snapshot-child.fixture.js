'use strict';
// Stands in for a supervised service's agent: on each IPC request it leaks 20,000 more
// LeakyThing instances, writes a heap snapshot into the folder asked for (O_EXCL|O_NOFOLLOW, as the
// agent does) and answers with the file's path. Used by the leak-evidence spec.
const v8 = require('node:v8');
const fs = require('node:fs');
const path = require('node:path');
class LeakyThing {
  constructor(i) {
    this.id = i;
    this.payload = `leaky-${i}`;
  }
}
const kept = [];
process.on('message', (m) => {
  for (let i = 0; i < 20000; i++) kept.push(new LeakyThing(kept.length));
  const file = path.join(m.dir, `bot-${process.pid}-${Date.now()}-${m.n}.heapsnapshot`);
  const c = fs.constants;
  fs.closeSync(fs.openSync(file, c.O_CREAT | c.O_EXCL | c.O_WRONLY | c.O_NOFOLLOW, 0o600));
  v8.writeHeapSnapshot(file);
  process.send({ file });
});
