// A generic client in the manner of grpcurl: it knows no service protos. It asks the server's reflection service
// (argv[3] = v1 | v1alpha) for the services and the file defining argv[4], rebuilds the descriptors with
// proto-loader/protobufjs, then calls <service>/Unary dynamically. Prints JSON.
'use strict';
const { grpc, protoLoader, load, repoProtos, loadOptions } = require('./common');

const [address, version, serviceName] = process.argv.slice(2);
const reflectionPackage = load(`grpc/reflection/${version}/reflection.proto`, repoProtos).grpc.reflection[version];
const reflection = new reflectionPackage.ServerReflection(address, grpc.credentials.createInsecure());

function varint(n) {
  const bytes = [];
  while (n > 0x7f) { bytes.push((n & 0x7f) | 0x80); n >>>= 7; }
  bytes.push(n);
  return Buffer.from(bytes);
}

// google.protobuf.FileDescriptorSet { repeated FileDescriptorProto file = 1; }
function descriptorSet(files) {
  return Buffer.concat(files.flatMap((file) => [Buffer.from([0x0a]), varint(file.length), file]));
}

async function main() {
  const call = reflection.ServerReflectionInfo();
  const waiting = [];
  call.on('data', (response) => waiting.shift().resolve(response));
  call.on('error', (error) => { while (waiting.length) waiting.shift().reject(error); });
  const ask = (request) => new Promise((resolve, reject) => { waiting.push({ resolve, reject }); call.write(request); });

  const list = await ask({ list_services: '*' });
  const services = list.list_services_response.service.map((s) => s.name);
  const files = await ask({ file_containing_symbol: serviceName });
  const definition = protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet(files.file_descriptor_response.file_descriptor_proto), loadOptions);
  const missing = await ask({ file_containing_symbol: 'no.such.Service' });
  call.end();

  const methods = Object.keys(definition[serviceName]);
  const Service = serviceName.split('.').reduce((node, part) => node[part], grpc.loadPackageDefinition(definition));
  const client = new Service(address, grpc.credentials.createInsecure());
  const reply = await new Promise((resolve, reject) => client.Unary({ text: 'via reflection' }, (error, r) => (error ? reject(error) : resolve(r))));

  console.log(JSON.stringify({ services, methods, fileCount: files.file_descriptor_response.file_descriptor_proto.length, reply, missingCode: missing.error_response.error_code }));
  process.exit(0);
}

main().catch((error) => { console.error(error); process.exit(1); });
