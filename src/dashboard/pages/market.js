// GET /dashboard: the market table. Reads the listing, shows a page of it, keeps its
// prices live over Socket.IO and marks prices older than PRICE_STALE_SECONDS as stale.
import {
  api,
  connectLive,
  currencyFromUrl,
  el,
  fillCurrencyPicker,
  markNavigation,
  monogram,
  setting,
} from './common.js';
import { formatAge, formatCompact, formatPercent, formatPrice } from './format.js';
import { loadSparklines, sparkline } from './sparklines.js';

const PAGE_SIZES = [10, 25, 50, 100];
const STALE_MS = Number(setting('price-stale-seconds', '300')) * 1000;
const FLASH_MS = 900;
const params = new URLSearchParams(location.search);
const state = {
  page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  sortBy: params.get('sort_by') ?? 'market_cap',
  order: params.get('order') === 'asc' ? 'asc' : 'desc',
  search: params.get('q') ?? '',
  perPage: PAGE_SIZES.includes(Number(params.get('per_page')))
    ? Number(params.get('per_page'))
    : 25,
  currency: currencyFromUrl(params),
  pages: 1,
};
/** The rows on screen, by symbol. */
let rows = new Map();
let loadCount = 0;
const $ = (id) => document.getElementById(id);

const live = connectLive({
  symbols: () => [...rows.keys()],
  currency: () => state.currency,
  onPrice: applyPrice,
});

function say(text) {
  $('message').hidden = !text;
  $('message').textContent = text ?? '';
}

function changeCell(value) {
  const { text, className } = formatPercent(value);
  return el('td', { className: `num change ${className}` }, text);
}

function freshnessOf(row) {
  const age = live.now() - row.updatedAt;
  return { stale: !(age <= STALE_MS), age };
}

function showFreshness(row) {
  if (!Number.isFinite(row.updatedAt)) {
    row.age.textContent = 'no time';
    row.tr.classList.add('stale');
    return;
  }
  const { stale, age } = freshnessOf(row);
  row.tr.classList.toggle('stale', stale);
  row.age.textContent = stale ? `stale · ${formatAge(age)} old` : '';
  row.age.title = `Last updated ${new Date(row.updatedAt).toISOString()}`;
}

function renderRow(asset) {
  const link = el(
    'a',
    {
      href: `/dashboard/assets/${encodeURIComponent(asset.symbol)}${state.currency === 'usd' ? '' : `?vs_currency=${state.currency}`}`,
    },
    el('span', { className: 'asset-name' }, asset.name),
    el('span', { className: 'symbol' }, asset.symbol),
  );
  const price = el(
    'span',
    { className: 'price' },
    formatPrice(asset.current_price, state.currency),
  );
  const age = el('span', { className: 'age' });
  const spark = el('td', { className: 'spark wide' });
  const tr = el(
    'tr',
    { dataset: { symbol: asset.symbol } },
    el('td', { className: 'num rank' }, asset.market_cap_rank ?? '—'),
    el(
      'td',
      { className: 'name' },
      el('div', { className: 'name-cell' }, monogram(asset.symbol), link),
    ),
    el('td', { className: 'num' }, price, age),
    changeCell(asset.price_change_percentage_1h),
    changeCell(asset.price_change_percentage_24h),
    changeCell(asset.price_change_percentage_7d),
    el('td', { className: 'num cap' }, formatCompact(asset.market_cap, state.currency)),
    el('td', { className: 'num wide volume' }, formatCompact(asset.total_volume, state.currency)),
    spark,
  );
  tr.cells[3].classList.add('wide');
  tr.cells[5].classList.add('wide');
  const row = {
    tr,
    price,
    age,
    spark,
    value: asset.current_price,
    updatedAt: Date.parse(asset.last_updated),
  };
  showFreshness(row);
  return row;
}

function applyPrice(update) {
  const row = rows.get(update.symbol);
  // Updates come in the currency subscribed; one still in flight from before a switch is dropped.
  if (!row || (update.vs_currency ?? 'usd') !== state.currency) return;
  const direction = update.price > row.value ? 'up' : update.price < row.value ? 'down' : null;
  row.value = update.price;
  row.updatedAt = Date.parse(update.timestamp);
  row.price.textContent = formatPrice(update.price, state.currency);
  row.tr.cells[4].replaceWith(changeCell(update.change_24h));
  if (update.volume_24h !== null) {
    row.tr.cells[7].textContent = formatCompact(update.volume_24h, state.currency);
  }
  showFreshness(row);
  if (direction) {
    row.price.classList.remove('flash-up', 'flash-down');
    void row.price.offsetWidth; // restarts the animation
    row.price.classList.add(`flash-${direction}`);
    setTimeout(() => row.price.classList.remove(`flash-${direction}`), FLASH_MS);
  }
}

function showSort() {
  for (const button of document.querySelectorAll('th button[data-sort]')) {
    const th = button.parentElement;
    const active = button.dataset.sort === state.sortBy;
    th.setAttribute(
      'aria-sort',
      active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none',
    );
  }
}

function remember() {
  const query = new URLSearchParams();
  if (state.page > 1) query.set('page', String(state.page));
  if (state.sortBy !== 'market_cap') query.set('sort_by', state.sortBy);
  if (state.order !== 'desc') query.set('order', state.order);
  if (state.search) query.set('q', state.search);
  if (state.perPage !== 25) query.set('per_page', String(state.perPage));
  if (state.currency !== 'usd') query.set('vs_currency', state.currency);
  history.replaceState(null, '', `${location.pathname}${query.size ? `?${query}` : ''}`);
}

async function load() {
  const mine = ++loadCount;
  remember();
  showSort();
  document.body.dataset.loading = 'true';
  try {
    const answer = await api('/api/v1/cryptocurrencies', {
      query: {
        page: state.page,
        per_page: state.perPage,
        sort_by: state.sortBy,
        order: state.order,
        search: state.search,
        vs_currency: state.currency,
      },
    });
    if (mine !== loadCount) return;
    const previous = [...rows.keys()];
    rows = new Map(answer.items.map((asset) => [asset.symbol, renderRow(asset)]));
    const body = $('market').tBodies[0];
    body.replaceChildren(...[...rows.values()].map((row) => row.tr));
    if (rows.size === 0) {
      body.append(el('tr', {}, el('td', { colSpan: 9, className: 'empty' }, 'No assets match.')));
    }
    state.pages = Math.max(1, Math.ceil(answer.total / state.perPage));
    $('page-info').textContent = `Page ${state.page} of ${state.pages} · ${answer.total} assets`;
    $('prev').disabled = !answer.has_prev;
    $('next').disabled = !answer.has_next;
    say('');
    const symbols = [...rows.keys()];
    const gone = previous.filter((symbol) => !rows.has(symbol));
    await live.unsubscribe(gone).catch(() => undefined);
    await live.subscribe(symbols).catch((error) => say(`Live updates: ${error.message}`));
    const lines = await loadSparklines(symbols);
    if (mine !== loadCount) return;
    for (const [symbol, row] of rows) row.spark.replaceChildren(sparkline(lines[symbol]));
  } catch (error) {
    if (mine === loadCount) say(`Could not load the market: ${error.message}`);
  } finally {
    if (mine === loadCount) document.body.dataset.loading = 'false';
  }
}

for (const button of document.querySelectorAll('th button[data-sort]')) {
  button.addEventListener('click', () => {
    const field = button.dataset.sort;
    if (state.sortBy === field) state.order = state.order === 'asc' ? 'desc' : 'asc';
    else {
      state.sortBy = field;
      state.order = field === 'name' || field === 'market_cap_rank' ? 'asc' : 'desc';
    }
    state.page = 1;
    void load();
  });
}

let typing;
$('search').value = state.search;
$('search').addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    state.search = $('search').value.trim();
    state.page = 1;
    void load();
  }, 250);
});
$('controls').addEventListener('submit', (event) => event.preventDefault());
$('prev').addEventListener('click', () => {
  state.page = Math.max(1, state.page - 1);
  void load();
});
$('next').addEventListener('click', () => {
  state.page = Math.min(state.pages, state.page + 1);
  void load();
});
for (const size of PAGE_SIZES) {
  $('per-page').append(
    el('option', { value: String(size), selected: size === state.perPage }, String(size)),
  );
}
$('per-page').addEventListener('change', () => {
  state.perPage = Number($('per-page').value);
  state.page = 1;
  void load();
});
$('currency').addEventListener('change', () => {
  state.currency = $('currency').value;
  void load();
});
$('legend').textContent = `Prices older than ${formatAge(STALE_MS)} are marked stale.`;
setInterval(() => rows.forEach(showFreshness), 5000);
markNavigation('market');
void fillCurrencyPicker($('currency'), state.currency).then((currency) => {
  state.currency = currency;
  return load();
});
