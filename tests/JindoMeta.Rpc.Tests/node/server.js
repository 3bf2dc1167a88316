// A grpc-js echo server with the same behaviour as TestEchoService.cs. Prints "PORT <n>" once listening on
// 127.0.0.1:0 and exits when stdin closes (the test process ends it).
'use strict';
const { grpc, echoPackage } = require('./common');

const detailBytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);

function sleep(ms, call) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    call.on('cancelled', () => { clearTimeout(timer); reject(new Error('cancelled')); });
  });
}

function seenMetadata(call) {
  const seen = {};
  for (const [key, value] of Object.entries(call.metadata.getMap())) {
    if (key.startsWith('x-')) seen[key] = Buffer.isBuffer(value) ? value.toString('base64').replace(/=+$/, '') : value;
  }
  return seen;
}

function echoHeaders(call) {
  const id = call.metadata.get('x-request-id')[0];
  const trailers = new grpc.Metadata();
  if (id !== undefined) {
    const headers = new grpc.Metadata();
    headers.add('x-echo-header', id);
    call.sendMetadata(headers);
    trailers.add('x-echo-trailer', id);
  }
  const trace = call.metadata.get('x-trace-bin')[0];
  if (trace !== undefined) trailers.add('x-echo-trailer-bin', trace);
  return trailers;
}

function failure(request, trailers) {
  if (request.crash) return { code: grpc.status.UNKNOWN, details: 'crash' };
  if (!request.fail_code) return null;
  trailers.add('x-error-code', '25021');
  trailers.add('x-detail-bin', detailBytes);
  return { code: request.fail_code, details: request.fail_message, metadata: trailers };
}

function reply(request, call, index) {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() - Date.now() : (Number.isFinite(deadline) ? deadline - Date.now() : -1);
  return {
    text: request.text,
    payload: request.reply_size > 0 ? Buffer.alloc(request.reply_size) : request.payload,
    index,
    metadata: seenMetadata(call),
    deadline_ms: String(Math.round(ms)),
    sent_at: request.sent_at,
  };
}

const server = new grpc.Server({ 'grpc.max_send_message_length': 8 * 1024 * 1024 });
server.addService(echoPackage.Echo.service, {
  Unary: async (call, callback) => {
    try {
      if (call.request.delay_ms > 0) await sleep(call.request.delay_ms, call);
    } catch { return; }
    const trailers = echoHeaders(call);
    const error = failure(call.request, trailers);
    if (error) return callback(error);
    callback(null, reply(call.request, call, 0), trailers);
  },
  Stream: async (call) => {
    const trailers = echoHeaders(call);
    try {
      for (let i = 0; i < call.request.count; i++) {
        if (call.request.delay_ms > 0) await sleep(call.request.delay_ms, call);
        call.write(reply(call.request, call, i));
      }
    } catch { return; }
    const error = failure(call.request, trailers);
    if (error) return call.emit('error', error);
    call.end(trailers);
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) { console.error(error); process.exit(1); }
  console.log(`PORT ${port}`);
});
process.stdin.resume();
process.stdin.on('end', () => server.forceShutdown());
