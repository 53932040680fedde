// The REST API from JavaScript (Node 18+ or a browser): the top assets, a price, candles.
//   node examples/javascript/market-data.mjs            # BASE_URL=http://localhost:3000
const baseUrl = process.env.BASE_URL ?? 'http://localhost:3000';

async function get(path) {
  const response = await fetch(`${baseUrl}${path}`);
  const body = await response.json();
  // Every error is an RFC 9457 problem document: `detail` says what went wrong.
  if (!response.ok) throw new Error(`${response.status} ${path}: ${body.detail}`);
  return body;
}

const listing = await get('/api/v1/cryptocurrencies?per_page=5&sort_by=market_cap&order=desc');
for (const asset of listing.items) {
  console.log(`${asset.market_cap_rank ?? '-'} ${asset.symbol} ${asset.current_price}`);
}

const price = await get('/api/v1/cryptocurrencies/BTC/price');
console.log(`BTC ${price.price} from ${price.source}, ${price.stale ? 'stale' : 'fresh'}`);

const { ohlc, gaps } = await get('/api/v1/cryptocurrencies/BTC/ohlc?timeframe=1h&limit=24');
console.log(`${ohlc.length} hourly candles, ${gaps.length} gaps`);
