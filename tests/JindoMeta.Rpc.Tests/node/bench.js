// grpc-js as the client of the empty-call benchmark (RpcBenchmark.EmptyCallPath): node bench.js ADDRESS CONCURRENCY SECONDS
'use strict';
const { grpc } = require('./common');

const [address, concurrency, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const client = new grpc.Client(address, grpc.credentials.createInsecure());
const empty = Buffer.alloc(0);
const call = () => new Promise((resolve, reject) =>
  client.makeUnaryRequest('/jindometa.rpc.Benchmark/EmptyCall', (x) => x, (x) => x, empty, (e) => (e ? reject(e) : resolve())));

async function run(ms, latencies) {
  const stopAt = performance.now() + ms;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < stopAt) {
      const started = performance.now();
      await call();
      latencies.push(performance.now() - started);
    }
  }));
}

(async () => {
  await run(1000, []);
  const latencies = [];
  const started = performance.now();
  await run(seconds * 1000, latencies);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (f) => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * f))] * 1000).toFixed(0);
  console.log(`grpc-js concurrency=${concurrency} calls=${latencies.length} ops/s=${(latencies.length / elapsed).toFixed(0)} p50=${pct(0.5)}us p99=${pct(0.99)}us`);
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
