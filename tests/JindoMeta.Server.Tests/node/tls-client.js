// grpc-js over TLS with a client certificate: mkdirs as the user the certificate names (no x-jindo-user sent).
// Usage: node tls-client.js HOST:PORT PROTO_ROOT CA_FILE CERT_FILE KEY_FILE. Prints {"owner":..., "path":...}.
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const [address, protoRoot, caFile, certFile, keyFile] = process.argv.slice(2);
const definition = loader.loadSync('jindometa/v1/namespace.proto', { includeDirs: [protoRoot], keepCase: false, longs: String, enums: String, defaults: true });
const api = grpc.loadPackageDefinition(definition).jindometa.v1;
const credentials = grpc.credentials.createSsl(fs.readFileSync(caFile), fs.readFileSync(keyFile), fs.readFileSync(certFile));
const client = new api.NamespaceService(address, credentials);
client.mkdirs({ namespace: 'test', path: '/shared/js-dir' }, new grpc.Metadata(), { deadline: new Date(Date.now() + 20000) }, (error, response) => {
  if (error) {
    console.error(`mkdirs failed: ${error.code} ${error.details}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ owner: response.status.owner, path: response.status.path }));
  client.close();
});
