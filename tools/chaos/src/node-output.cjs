// Preloaded (`node -r`) into the app nodes the chaos drill starts: their output goes to the file that
// CHAOS_NODE_OUTPUT names instead of the drill's terminal. During a broker outage the RocketMQ client
// prints a stack trace per failed call (about 100,000 lines in one short broker-side drill), which
// drowned the drill's own lines and cost the relaying drill process CPU on a 2-core machine.
'use strict';
const fs = require('node:fs');

const file = process.env['CHAOS_NODE_OUTPUT'];
if (file) {
  const fd = fs.openSync(file, 'a');
  fs.writeSync(fd, `--- pid ${process.pid} started at ${new Date().toISOString()} ---\n`);
  for (const stream of [process.stdout, process.stderr]) {
    // Synchronous appends: nothing is lost when the drill SIGKILLs the node.
    stream.write = (chunk, encoding, callback) => {
      const done = typeof encoding === 'function' ? encoding : callback;
      fs.writeSync(fd, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
      if (typeof done === 'function') process.nextTick(done);
      return true;
    };
  }
}
