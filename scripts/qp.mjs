import Database from 'better-sqlite3';
const db = new Database(process.argv[2]);
for (const sql of process.argv.slice(3)) {
  console.log(sql);
  for (const r of db.prepare('explain query plan ' + sql).all()) console.log('   ', r.detail);
  const s = performance.now(); let n; for (let i = 0; i < 5; i++) n = db.prepare(sql).all().length; console.log('    rows', n, 'ms', ((performance.now() - s) / 5).toFixed(2));
}
