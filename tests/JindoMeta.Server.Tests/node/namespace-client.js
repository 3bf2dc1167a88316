// An independent gRPC client (grpc-js + proto-loader, nobody here wrote them) driving the JindoMeta namespace
// service from the public .proto. Usage: node namespace-client.js HOST:PORT PROTO_ROOT
// Prints one JSON line per step; the xunit test checks them.
'use strict';
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, protoRoot] = process.argv.slice(2);
const definition = loader.loadSync('jindometa/v1/namespace.proto', { includeDirs: [protoRoot], keepCase: false, longs: String, enums: String, defaults: true });
const api = grpc.loadPackageDefinition(definition).jindometa.v1;
const client = new api.NamespaceService(address, grpc.credentials.createInsecure());
const admin = new api.AdminService(address, grpc.credentials.createInsecure());

function call(target, method, request, user = 'root') {
  const metadata = new grpc.Metadata();
  if (user) metadata.set('x-jindo-user', user);
  const deadline = new Date(Date.now() + 10000);
  return new Promise((resolve) => {
    target[method](request, metadata, { deadline }, (error, response) => {
      if (error) {
        resolve({ method, code: error.code, details: error.details, jindoCode: (error.metadata.get('jindo-error-code')[0] || '').toString() });
      } else {
        resolve({ method, ok: response });
      }
    });
  });
}

(async () => {
  const steps = [];
  steps.push(await call(client, 'mkdirs', { namespace: 'test', path: '/node/dir', createParent: true }));
  steps.push(await call(client, 'create', { namespace: 'test', path: '/node/dir/file.txt', overwrite: false }));
  steps.push(await call(client, 'complete', { namespace: 'test', path: '/node/dir/file.txt', length: 42, blocks: [{ blockId: 7, numBytes: 42, generationStamp: 1 }] }));
  steps.push(await call(client, 'getFileInfo', { namespace: 'test', path: '/node/dir/file.txt', includeBlocks: true }));
  steps.push(await call(client, 'listStatus', { namespace: 'test', path: '/node/dir', limit: 10 }));
  steps.push(await call(client, 'getFileInfo', { namespace: 'test', path: '/node/missing' }));
  steps.push(await call(client, 'mkdirs', { namespace: 'test', path: '/node/x' }, ''));
  steps.push(await call(admin, 'metaStatus', { detail: false }));
  for (const step of steps) console.log(JSON.stringify(step));
  client.close();
  admin.close();
})();
