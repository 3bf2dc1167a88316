'use strict';
// s3rver on 127.0.0.1 and a port the OS picks, with one bucket, logging every answered request on stdout.
// Usage: node s3rver-peer.js DATA_DIRECTORY BUCKET
// Prints "LISTENING PORT" once the bucket exists and the socket is bound, then "REQUEST METHOD URL STATUS" per
// request (s3rver's own log cuts the method and bucket off, so it is silenced and this one kept instead).
const http = require('http');
const S3rver = require('s3rver');

async function main() {
  const [directory, bucket] = process.argv.slice(2);
  if (!directory || !bucket) {
    throw new Error('usage: node s3rver-peer.js DATA_DIRECTORY BUCKET');
  }
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const server = http.createServer((req, res) => {
    res.on('finish', () => console.log(`REQUEST ${req.method} ${req.url} ${res.statusCode}`));
    handle(req, res);
  });
  server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
