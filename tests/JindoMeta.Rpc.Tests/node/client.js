// grpc-js as an independent client of a JindoMeta.Rpc server: runs each interop case and prints one JSON object
// {case: {code, details, trailers, headers, reply, ...}}; the C# test asserts on it.
'use strict';
const { grpc, echoPackage, healthPackage } = require('./common');

const address = process.argv[2];
const echo = new echoPackage.Echo(address, grpc.credentials.createInsecure());
const health = new healthPackage.Health(address, grpc.credentials.createInsecure());
const deadlineIn = (ms) => new Date(Date.now() + ms);

function metadataObject(md) {
  const out = {};
  for (const [key, value] of Object.entries(md.getMap())) out[key] = Buffer.isBuffer(value) ? value.toString('base64') : value;
  return out;
}

function unary(client, method, request, { metadata = new grpc.Metadata(), deadlineMs, cancelAfterMs } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const result = {};
    const options = deadlineMs ? { deadline: deadlineIn(deadlineMs) } : {};
    const call = client[method](request, metadata, options, (error, reply) => {
      if (reply) result.reply = reply;
      if (error) { result.code = error.code; result.details = error.details; result.trailers = metadataObject(error.metadata); }
    });
    call.on('metadata', (md) => { result.headers = metadataObject(md); });
    call.on('status', (status) => {
      result.code = status.code; result.details = status.details; result.trailers = metadataObject(status.metadata);
      result.elapsedMs = Date.now() - started;
      setImmediate(() => resolve(result));
    });
    if (cancelAfterMs) setTimeout(() => call.cancel(), cancelAfterMs);
  });
}

function stream(request, { deadlineMs } = {}) {
  return new Promise((resolve) => {
    const result = { indexes: [] };
    const call = echo.Stream(request, new grpc.Metadata(), deadlineMs ? { deadline: deadlineIn(deadlineMs) } : {});
    call.on('data', (reply) => result.indexes.push(reply.index));
    call.on('error', () => {});
    call.on('status', (status) => {
      result.code = status.code; result.details = status.details; result.trailers = metadataObject(status.metadata);
      resolve(result);
    });
  });
}

async function main() {
  const results = {};
  const md = new grpc.Metadata();
  md.add('x-request-id', 'js-1');
  md.add('x-trace-bin', Buffer.from([0, 0xff, 0x10, 0x80, 7]));
  results.unary = await unary(echo, 'Unary', { text: 'hello from grpc-js' }, { metadata: md });
  results.error = await unary(echo, 'Unary', { fail_code: 5, fail_message: 'nicht gefunden: ö ✓ 100% \t "q" %41\nzweite Zeile' });
  results.crash = await unary(echo, 'Unary', { crash: true });
  results.deadline = await unary(echo, 'Unary', { delay_ms: 5000 }, { deadlineMs: 200 });
  results.deadlineOk = await unary(echo, 'Unary', {}, { deadlineMs: 5000 });
  results.cancel = await unary(echo, 'Unary', { delay_ms: 10000 }, { cancelAfterMs: 150 });
  results.tooLargeReply = await unary(echo, 'Unary', { reply_size: 5 * 1024 * 1024 });
  results.tooLargeRequest = await unary(echo, 'Unary', { payload: Buffer.alloc(5 * 1024 * 1024) });
  const big = await unary(echo, 'Unary', { payload: Buffer.alloc(3500000, 7) });
  results.large = { code: big.code, length: big.reply ? big.reply.payload.length : -1 };
  results.unimplemented = await new Promise((resolve) => {
    const generic = new grpc.Client(address, grpc.credentials.createInsecure());
    generic.makeUnaryRequest('/jindometa.rpc.test.Echo/Nope', (x) => x, (x) => x, Buffer.alloc(0), (error) => {
      resolve({ code: error ? error.code : 0, details: error ? error.details : '' });
    });
  });
  results.stream = await stream({ count: 5 });
  results.streamError = await stream({ count: 2, fail_code: 10, fail_message: 'conflict ✗' });
  results.streamDeadline = await stream({ count: 100, delay_ms: 20 }, { deadlineMs: 1500 });
  const many = await Promise.all(Array.from({ length: 250 }, (_, i) => unary(echo, 'Unary', { text: String(i), delay_ms: 20 })));
  results.concurrent = { ok: many.filter((r, i) => r.code === 0 && r.reply.text === String(i)).length };
  const check = await unary(health, 'Check', { service: '' });
  results.health = { code: check.code, status: check.reply ? check.reply.status : null };
  console.log(JSON.stringify(results));
  process.exit(0);
}

main().catch((error) => { console.error(error); process.exit(1); });
