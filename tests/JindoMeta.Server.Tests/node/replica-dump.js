// Reads a JindoMeta replica table with the official Tablestore Node SDK (tablestore@5.6.5), independently of our
// client, and prints one line per data row: "parent/name HEX(value) index" (tombstones, rows without a value, are left out). The checkpoint row (parent -2) is
// printed as "checkpoint INDEX STORE PHASE". Credentials come from OTS_ENDPOINT, OTS_INSTANCE, OTS_KEY_ID, OTS_SECRET.
'use strict';
const TableStore = require('tablestore');

const client = new TableStore.Client({
  accessKeyId: process.env.OTS_KEY_ID,
  secretAccessKey: process.env.OTS_SECRET,
  endpoint: process.env.OTS_ENDPOINT,
  instancename: process.env.OTS_INSTANCE,
  maxRetries: 0,
});
const table = process.argv[2];
const int = (v) => (v && v.toNumber ? v.toNumber() : v);
const attr = (row, name) => {
  const cell = (row.attributes || []).find((a) => a.columnName === name);
  return cell === undefined ? undefined : cell.columnValue;
};

async function main() {
  let start = [{ parent: TableStore.INF_MIN }, { name: TableStore.INF_MIN }];
  const end = [{ parent: TableStore.INF_MAX }, { name: TableStore.INF_MAX }];
  for (;;) {
    const page = await client.getRange({
      tableName: table,
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: start,
      exclusiveEndPrimaryKey: end,
      limit: 1000,
      maxVersions: 1,
    });
    for (const row of page.rows) {
      const parent = int(row.primaryKey[0].value);
      const name = row.primaryKey[1].value;
      if (parent === -2) {
        console.log(`checkpoint ${int(attr(row, 'index'))} ${attr(row, 'store')} ${attr(row, 'phase')}`);
      } else if (attr(row, 'value') !== undefined) { // no value: a tombstone, the row was deleted
        console.log(`${parent}/${name} ${Buffer.from(attr(row, 'value')).toString('hex').toUpperCase()} ${int(attr(row, 'index'))}`);
      }
    }
    if (!page.nextStartPrimaryKey) {
      break;
    }
    start = page.nextStartPrimaryKey.map((c) => ({ [c.name]: c.value }));
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
