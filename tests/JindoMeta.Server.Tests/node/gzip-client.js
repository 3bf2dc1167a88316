// grpc-js (proto-loader, public .proto) sends gzip-compressed requests to the daemon. Between them sits a TCP tap
// that forwards every byte unchanged and reads the client's HTTP/2 DATA frames, so the output shows what really
// went over the wire: each request's gRPC compressed flag and its length on the wire next to its plain protobuf
// length. A second client without compression is the control. Usage: node gzip-client.js HOST:PORT PROTO_ROOT
// Prints one JSON line per call; the xunit test checks them.
'use strict';
const net = require('net');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, protoRoot] = process.argv.slice(2);
const definition = loader.loadSync('jindometa/v1/namespace.proto', { includeDirs: [protoRoot], longs: String, enums: String, defaults: true });
const api = grpc.loadPackageDefinition(definition).jindometa.v1;
const methods = definition['jindometa.v1.NamespaceService'];
const GZIP = 2; // grpc-js CompressionAlgorithms: 0 identity, 1 deflate, 2 gzip
const BLOCKS = 5000;

// Reads client-to-server HTTP/2 (RFC 9113 §4.1 frame header, §6.1 DATA with optional padding) and records, per
// stream, the 5-byte gRPC message prefix: compressed flag and message length (gRPC PROTOCOL-HTTP2 "Length-Prefixed-Message").
class Http2Tap {
  constructor() {
    this.streams = [];
    this.byKey = new Map();
    this.connections = 0;
  }

  // One reader per TCP connection: stream ids restart on each.
  reader() {
    const connection = ++this.connections;
    let buffer = Buffer.alloc(0);
    let prefaceLeft = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    return (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (prefaceLeft > 0) {
        const skip = Math.min(prefaceLeft, buffer.length);
        buffer = buffer.subarray(skip);
        prefaceLeft -= skip;
      }
      while (buffer.length >= 9) {
        const length = buffer.readUIntBE(0, 3);
        if (buffer.length < 9 + length) break;
        const [type, flags, streamId] = [buffer[3], buffer[4], buffer.readUInt32BE(5) & 0x7fffffff];
        let payload = buffer.subarray(9, 9 + length);
        buffer = buffer.subarray(9 + length);
        if (type !== 0) continue;
        if (flags & 0x8) payload = payload.subarray(1, payload.length - payload[0]);
        this.data(`${connection}/${streamId}`, payload);
      }
    };
  }

  data(key, payload) {
    let stream = this.byKey.get(key);
    if (!stream) {
      stream = { key, head: Buffer.alloc(0), dataBytes: 0 };
      this.byKey.set(key, stream);
      this.streams.push(stream);
    }
    stream.dataBytes += payload.length;
    if (stream.head.length < 5) stream.head = Buffer.concat([stream.head, payload]).subarray(0, 5);
  }

  // What the tap saw since the given count of streams, as plain objects.
  since(count) {
    return this.streams.slice(count).map((s) => ({
      stream: s.key,
      compressedFlag: s.head.length === 5 ? s.head[0] : -1,
      messageLength: s.head.length === 5 ? s.head.readUInt32BE(1) : -1,
      dataBytes: s.dataBytes,
    }));
  }
}

function startTap(tap) {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    const read = tap.reader();
    client.on('data', (chunk) => { read(chunk); upstream.write(chunk); });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function call(tap, target, label, method, request) {
  const metadata = new grpc.Metadata();
  metadata.set('x-jindo-user', 'root');
  const before = tap.streams.length;
  const plainLength = methods[method].requestSerialize(request).length;
  return new Promise((resolve) => {
    target[method](request, metadata, { deadline: new Date(Date.now() + 30000) }, (error, response) => {
      const step = { client: label, method, plainLength, wire: tap.since(before) };
      if (error) Object.assign(step, { code: error.code, details: error.details });
      else step.ok = response;
      resolve(step);
    });
  });
}

(async () => {
  const tap = new Http2Tap();
  const proxy = await startTap(tap);
  const target = `127.0.0.1:${proxy.address().port}`;
  const gzip = new api.NamespaceService(target, grpc.credentials.createInsecure(), { 'grpc.default_compression_algorithm': GZIP });
  const plain = new api.NamespaceService(target, grpc.credentials.createInsecure());
  const blocks = Array.from({ length: BLOCKS }, (_, i) => ({ blockId: 1000 + i, numBytes: 134217728, generationStamp: 1 }));

  const steps = [];
  steps.push(await call(tap, gzip, 'gzip', 'Mkdirs', { namespace: 'test', path: '/gzip/dir', createParent: true }));
  steps.push(await call(tap, gzip, 'gzip', 'Create', { namespace: 'test', path: '/gzip/dir/big.bin' }));
  steps.push(await call(tap, gzip, 'gzip', 'Complete', { namespace: 'test', path: '/gzip/dir/big.bin', length: BLOCKS * 134217728, blocks }));
  steps.push(await call(tap, gzip, 'gzip', 'GetFileInfo', { namespace: 'test', path: '/gzip/dir/big.bin', includeBlocks: true }));
  steps.push(await call(tap, plain, 'plain', 'Create', { namespace: 'test', path: '/gzip/dir/plain.bin' }));
  steps.push(await call(tap, plain, 'plain', 'Complete', { namespace: 'test', path: '/gzip/dir/plain.bin', length: BLOCKS * 134217728, blocks }));
  for (const step of steps) {
    // 5,000 blocks are for the assertions below, not for the log.
    if (step.ok && step.ok.status && step.ok.status.blocks.length > 3) {
      const list = step.ok.status.blocks;
      step.ok.status.blocks = { count: list.length, first: list[0], last: list[list.length - 1] };
    }
    console.log(JSON.stringify(step));
  }
  gzip.close();
  plain.close();
  proxy.close();
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
