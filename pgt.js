const { PGlite } = require('@electric-sql/pglite');
(async () => {
  let t = Date.now();
  const db = await PGlite.create('memory://');
  console.log('create', Date.now() - t);
  t = Date.now();
  await db.query('select 1');
  console.log('q', Date.now() - t);
  const dump = await db.dumpDataDir('none');
  console.log('dump size', dump.size);
  t = Date.now();
  const db2 = await PGlite.create('memory://', { loadDataDir: dump });
  console.log('create from dump', Date.now() - t);
})();
