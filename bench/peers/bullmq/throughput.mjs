// The BullMQ half of `RenderQueue.Bench compare`: N no-op jobs added with addBulk in batches, processed by one worker
// with the given concurrency, on the redis-server at 127.0.0.1:PORT. Prints one JSON line with what it measured.
// Usage: node throughput.mjs PORT JOBS [BATCH=1000] [CONCURRENCY=50] [WARMUP=0]
import { Queue, Worker } from 'bullmq';

const [port, jobs, batch = 1000, concurrency = 50, warmUp = 0] = process.argv.slice(2).map(Number);
if (!port || !jobs) {
  console.error('usage: node throughput.mjs PORT JOBS [BATCH] [CONCURRENCY] [WARMUP]');
  process.exit(2);
}
const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const queue = new Queue('compare', { connection });
let completed = 0;
let target = 0;
let finished = () => {};
const worker = new Worker('compare', async () => null, { connection, concurrency });
worker.on('completed', () => {
  completed += 1;
  if (completed === target) finished();
});
worker.on('error', (error) => console.error('bullmq worker:', error.message));
await worker.waitUntilReady();

// Adds `count` jobs, two addBulk calls in flight (as RenderQueue's batch submits are), and waits for all to complete.
async function run(count) {
  completed = 0;
  target = count;
  const done = new Promise((resolve) => { finished = resolve; });
  const start = process.hrtime.bigint();
  let next = 0;
  async function adder() {
    while (next < count) {
      const first = next;
      next += batch;
      const size = Math.min(batch, count - first);
      await queue.addBulk(Array.from({ length: size }, (_, i) => ({ name: 'bench', data: { n: first + i } })));
    }
  }
  await Promise.all([adder(), adder()]);
  await done;
  return Number(process.hrtime.bigint() - start) / 1e9;
}

if (warmUp > 0) await run(warmUp);
console.log(JSON.stringify({ phase: 'measure' }));
const cpu0 = process.cpuUsage();
const seconds = await run(jobs);
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  version: (await import('bullmq/package.json', { with: { type: 'json' } })).default.version,
  seconds,
  node_cpu_s: (cpu.user + cpu.system) / 1e6,
}));
await worker.close();
await queue.close();
