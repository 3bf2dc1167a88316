// Shared loading of the test protos for the grpc-js peers (client.js, server.js, reflect.js).
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const testProtos = path.join(__dirname, '..', 'Protos');
const repoProtos = path.join(__dirname, '..', '..', '..', 'protos');
const loadOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

function load(file, includeDir) {
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, { ...loadOptions, includeDirs: [includeDir] }));
}

const echoPackage = load('echo.proto', testProtos).jindometa.rpc.test;
const healthPackage = load('grpc/health/v1/health.proto', repoProtos).grpc.health.v1;

module.exports = { grpc, protoLoader, echoPackage, healthPackage, load, repoProtos, loadOptions };
