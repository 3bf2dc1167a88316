// Credentials and signature checks of the emulator as the official SDK and a raw signed request see them.
'use strict';
const assert = require('assert');
const crypto = require('crypto');
const http = require('http');
const TableStore = require('tablestore');

const base = {
  accessKeyId: process.env.OTS_KEY_ID,
  secretAccessKey: process.env.OTS_SECRET,
  endpoint: process.env.OTS_ENDPOINT,
  instancename: process.env.OTS_INSTANCE,
  maxRetries: 0,
};

async function rejected(config, code) {
  try {
    await new TableStore.Client(config).listTable({});
  } catch (err) {
    assert.strictEqual(err.code, 403, `expected HTTP 403, got ${err.code} ${err.message}`);
    assert.ok(String(err.message).includes(code), err.message);
    return;
  }
  assert.fail('expected a rejection');
}

function raw(signatureMutator) {
  const url = new URL(process.env.OTS_ENDPOINT);
  const headers = {
    'x-ots-date': new Date().toISOString(),
    'x-ots-apiversion': '2015-12-31',
    'x-ots-accesskeyid': base.accessKeyId,
    'x-ots-instancename': base.instancename,
    'x-ots-contentmd5': crypto.createHash('md5').update(Buffer.alloc(0)).digest('base64'),
  };
  const lines = Object.keys(headers).sort().map((k) => `${k}:${headers[k]}\n`).join('');
  const signature = crypto.createHmac('sha1', base.secretAccessKey).update(`/ListTable\nPOST\n\n${lines}`).digest('base64');
  headers['x-ots-signature'] = signatureMutator(signature);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/ListTable', method: 'POST', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end();
  });
}

(async () => {
  try {
    await new TableStore.Client(base).listTable({});
    await rejected({ ...base, secretAccessKey: 'wrong-secret' }, 'Signature mismatch.');
    await rejected({ ...base, accessKeyId: 'nobody' }, 'OTSAuthFailed');
    await rejected({ ...base, instancename: 'other-inst' }, 'OTSAuthFailed');
    const good = await raw((s) => s);
    assert.strictEqual(good.status, 200);
    const tampered = await raw((s) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1));
    assert.strictEqual(tampered.status, 403);
    assert.ok(tampered.body.includes('OTSAuthFailed') && tampered.body.includes('Signature mismatch.'), tampered.body);
    console.log('ok auth');
  } catch (err) {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  }
})();
