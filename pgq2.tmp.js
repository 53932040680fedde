const { Client } = require('pg');
(async()=>{
const c=new Client({connectionString:'postgres://postgres@127.0.0.1:5432/cma_bench_mxamle4r_ebb388'});await c.connect();
const inner=`SELECT DISTINCT ON (open_time) open_time, source, open, high, low, close, volume, trade_count, is_closed
          FROM candle_rollups WHERE asset_id = $1 AND timeframe = '1h' AND ($2::varchar IS NULL OR source = $2)
            AND open_time >= $3 AND open_time < $4
          ORDER BY open_time ASC, complete DESC, resolution ASC, source, origin DESC`;
const rows=`SELECT open_time, source, open, high, low, close, volume, trade_count, is_closed AND open_time + $5::interval <= now() AS is_closed FROM (${inner}) b ORDER BY open_time`;
const json=`SELECT coalesce(json_agg(json_build_array((extract(epoch from open_time)*1000)::int8, source, open, high, low, close, volume, trade_count, is_closed AND open_time + $5::interval <= now()) ORDER BY open_time), '[]')::text AS j FROM (${inner}) b`;
const now=Date.now();
for (const round of [1,2])
for (const [name,sql] of [['rows',rows],['json',json]]){
const s=performance.now();
for(let i=0;i<50;i++){const r=await c.query(sql,[2,null,new Date(now-1000*3600e3-i*1e3),new Date(now-i*1e3),'60 minutes']); if(name==='json') JSON.parse(r.rows[0].j);}
console.log(name,'per query',((performance.now()-s)/50).toFixed(2));
}
await c.end();})();
