// Latency probe for bench/write-load.bench.ts, run as its own process so that it never shares the
// server's event loop (nor the load generator's). Every `interval` ms it opens a NEW connection
// (no agent, `Connection: close`) and GETs one of the URLs, round-robin, recording the time from
// the start of the connect to the last byte of the body. Requests overlap when one takes longer than
// the interval, as phones and probes arriving independently would. Prints one JSON line on SIGTERM
// or after `duration` ms: { "<label>": { samples: [ms…], errors, statuses: {code: n} } }.
//
//   node probe.mjs '<json: { duration, interval, timeout, targets: [{ label, url, headers }] }>'
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';

const { duration, interval, timeout, targets } = JSON.parse(process.argv[2]);
const results = Object.fromEntries(targets.map((t) => [t.label, { samples: [], errors: 0, timeouts: 0, statuses: {} }]));
let inFlight = 0;
let stopped = false;

function once(target) {
  const r = results[target.label];
  const t0 = performance.now();
  inFlight++;
  const req = http.get(target.url, { agent: false, headers: { connection: 'close', ...target.headers }, timeout }, (res) => {
    res.on('data', () => {});
    res.on('end', () => {
      inFlight--;
      r.samples.push(performance.now() - t0);
      r.statuses[res.statusCode] = (r.statuses[res.statusCode] ?? 0) + 1;
    });
  });
  req.on('timeout', () => {
    r.timeouts++;
    r.samples.push(timeout); // counted at the time-out, so a stalled server shows in the percentiles
    req.destroy(new Error('timeout'));
  });
  req.on('error', () => {
    inFlight--;
    r.errors++;
  });
}

let i = 0;
const timer = setInterval(() => {
  if (!stopped) once(targets[i++ % targets.length]);
}, interval);

function finish() {
  if (stopped) return;
  stopped = true;
  clearInterval(timer);
  // Let the requests in flight end (or time out) so slow ones are counted, not dropped.
  const wait = setInterval(() => {
    if (inFlight <= 0) {
      clearInterval(wait);
      process.stdout.write(`${JSON.stringify(results)}\n`);
      process.exit(0);
    }
  }, 10);
}
setTimeout(finish, duration);
process.on('SIGTERM', finish);
