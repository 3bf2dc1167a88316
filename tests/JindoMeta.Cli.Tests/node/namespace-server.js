// grpc-js servers (nobody here wrote them) implementing jindometa.v1.NamespaceService from the public .proto, to
// check our client library against an independent server. Two servers on 127.0.0.1, OS-chosen ports:
//   leader:   GetFileInfo answers by path: /missing* NOT_FOUND with `jindo-error-code: 25001`, /hang* never
//             answers, anything else a file status (owner = the caller's x-jindo-user); Create answers a status.
//   follower: every method answers UNAVAILABLE with `jindo-error-code: 25011` and `jindo-leader: <leader>`, or, for a
//             path /stuck*, `jindo-leader: <follower>` (a stale hint naming itself).
// Usage: node namespace-server.js PROTO_ROOT. Prints "PORTS <leader> <follower>", then one JSON line per call
// received; the xunit test reads them. A line "sync N" on stdin is answered "SYNCED N" after every call line
// printed so far (the test's barrier). Exits when stdin closes. (grpc-js 1.14 emits 'cancelled' when any call's
// stream closes, answered or not, so it tells nothing about who ended a call and is not recorded.)
'use strict';
const readline = require('readline');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const protoRoot = process.argv[2];
const definition = loader.loadSync('jindometa/v1/namespace.proto', { includeDirs: [protoRoot], keepCase: true, longs: String, enums: String, defaults: true });
const service = grpc.loadPackageDefinition(definition).jindometa.v1.NamespaceService.service;

function record(server, method, call) {
  const deadline = call.getDeadline();
  // A Date or a millisecond timestamp; Infinity when the client sent no grpc-timeout.
  const deadlineMs = Number.isFinite(+deadline) ? +deadline - Date.now() : null;
  const user = call.metadata.get('x-jindo-user')[0] || null;
  console.log(JSON.stringify({ server, method, path: call.request.path, user, deadlineMs }));
  return user;
}

function trailers(pairs) {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(pairs)) metadata.set(key, value);
  return metadata;
}

function fileStatus(path, user, withBlocks) {
  return {
    path, file_id: 16390, type: 'FILE_TYPE_FILE', length: 42, replication: 3, block_size: 134217728,
    modification_time: 1700000000000, access_time: 1700000000000, permission: 0o644, owner: user, group: 'grpc-js',
    under_construction: false, blocks: withBlocks ? [{ block_id: 7, num_bytes: 42, generation_stamp: 1001 }] : [],
  };
}

function leaderHandlers() {
  return {
    GetFileInfo: (call, callback) => {
      const user = record('leader', 'GetFileInfo', call);
      const path = call.request.path;
      if (path.startsWith('/hang')) return; // never answers: only the client's deadline ends this call
      if (path.startsWith('/missing')) {
        return callback({ code: grpc.status.NOT_FOUND, details: `${path}: No such file or directory`, metadata: trailers({ 'jindo-error-code': '25001' }) });
      }
      callback(null, { status: fileStatus(path, user, call.request.include_blocks) });
    },
    Create: (call, callback) => {
      const user = record('leader', 'Create', call);
      callback(null, { status: { ...fileStatus(call.request.path, user, false), length: 0, under_construction: true } });
    },
  };
}

function followerHandlers(addresses) {
  const handlers = {};
  for (const method of Object.keys(service)) {
    handlers[method] = (call, callback) => {
      record('follower', method, call);
      const named = (call.request.path || '').startsWith('/stuck') ? addresses.follower : addresses.leader;
      callback({ code: grpc.status.UNAVAILABLE, details: 'Not the leader', metadata: trailers({ 'jindo-error-code': '25011', 'jindo-leader': named }) });
    };
  }
  return handlers;
}

function listen(handlers) {
  const server = new grpc.Server();
  server.addService(service, handlers);
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(),
    (error, port) => (error ? reject(error) : resolve({ server, port }))));
}

(async () => {
  const addresses = {};
  const leader = await listen(leaderHandlers());
  addresses.leader = `127.0.0.1:${leader.port}`;
  const follower = await listen(followerHandlers(addresses));
  addresses.follower = `127.0.0.1:${follower.port}`;
  console.log(`PORTS ${leader.port} ${follower.port}`);
  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const sync = /^sync (\d+)$/.exec(line);
    if (sync) console.log(`SYNCED ${sync[1]}`);
  });
  input.on('close', () => {
    leader.server.forceShutdown();
    follower.server.forceShutdown();
    process.exit(0);
  });
})().catch((error) => { console.error(error); process.exit(1); });
