// A generic client that knows no JindoMeta proto: it asks the daemon's server reflection (v1 or v1alpha) for the
// list of services and for the file that defines jindometa.v1.NamespaceService, rebuilds the descriptors with
// protobufjs (through proto-loader), and calls GetFileInfo("/") by name.
// Usage: node reflection-client.js HOST:PORT PROTO_ROOT VERSION (PROTO_ROOT only for reflection.proto itself).
'use strict';
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, protoRoot, version = 'v1'] = process.argv.slice(2);
const options = { keepCase: true, longs: String, enums: String, defaults: true };
const reflectionApi = grpc.loadPackageDefinition(
  loader.loadSync(`grpc/reflection/${version}/reflection.proto`, { ...options, includeDirs: [protoRoot] })).grpc.reflection[version];

// Wraps FileDescriptorProto bytes into a FileDescriptorSet (field 1, length-delimited) for proto-loader.
function asDescriptorSet(files) {
  const parts = [];
  for (const file of files) {
    const length = [];
    let n = file.length;
    while (n > 0x7f) { length.push((n & 0x7f) | 0x80); n >>>= 7; }
    length.push(n);
    parts.push(Buffer.from([0x0a, ...length]), file);
  }
  return Buffer.concat(parts);
}

async function main() {
  const stream = new reflectionApi.ServerReflection(address, grpc.credentials.createInsecure()).ServerReflectionInfo();
  const pending = [];
  stream.on('data', (response) => pending.shift().resolve(response));
  stream.on('error', (error) => pending.splice(0).forEach((p) => p.reject(error)));
  const ask = (request) => new Promise((resolve, reject) => { pending.push({ resolve, reject }); stream.write(request); });

  const services = (await ask({ list_services: '' })).list_services_response.service.map((s) => s.name).sort();
  const files = (await ask({ file_containing_symbol: 'jindometa.v1.NamespaceService' })).file_descriptor_response.file_descriptor_proto;
  const unknown = (await ask({ file_containing_symbol: 'no.such.Service' })).error_response;
  stream.end();

  const definition = loader.loadFileDescriptorSetFromBuffer(asDescriptorSet(files), options);
  const methods = Object.keys(definition['jindometa.v1.NamespaceService']).sort();
  const Service = grpc.loadPackageDefinition(definition).jindometa.v1.NamespaceService;
  const client = new Service(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('x-jindo-user', 'root');
  const root = await new Promise((resolve, reject) =>
    client.GetFileInfo({ path: '/' }, metadata, (error, reply) => (error ? reject(error) : resolve(reply))));
  console.log(JSON.stringify({
    version, services, methods, fileCount: files.length, unknownSymbolCode: unknown ? unknown.error_code : null,
    rootType: root.status.type, rootOwner: root.status.owner,
  }));
  client.close();
}

main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
