// GET /dashboard/assets/{symbol}: one asset's chart (timeframes, ranges, indicators, live
// candle), its facts and a sentiment box. The URL keeps the view: ?timeframe=1h&range=1M&indicators=sma,rsi.
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
import { createPriceChart, TIMEFRAME_SECONDS } from './asset-chart.js';
import { renderFacts, wireSentiment } from './asset-facts.js';
import { formatAge, formatPercent, formatPrice } from './format.js';

const SYMBOL = setting('symbol');
const STALE_MS = Number(setting('price-stale-seconds', '300')) * 1000;
/** Each range: the timeframe it is read in and how many buckets it spans (null: all there is). */
const RANGES = {
  '1D': ['5m', 288],
  '1W': ['30m', 336],
  '1M': ['4h', 180],
  '1Y': ['1d', 365],
  '5Y': ['1w', 261],
  All: ['1w', null],
};
const INDICATORS = { sma: 'SMA', ema: 'EMA', bollinger: 'Bollinger', rsi: 'RSI', macd: 'MACD' };
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const state = {
  range:
    params.get('range') in RANGES ? params.get('range') : params.get('timeframe') ? null : '1M',
  timeframe: params.get('timeframe') in TIMEFRAME_SECONDS ? params.get('timeframe') : '4h',
  indicators: new Set(
    (params.get('indicators') ?? '').split(',').filter((name) => name in INDICATORS),
  ),
  currency: currencyFromUrl(params),
  detail: null,
  latest: null,
  candleSource: null,
};
if (state.range) state.timeframe = RANGES[state.range][0];

function say(text) {
  $('message').hidden = !text;
  $('message').textContent = text ?? '';
}

const chart = createPriceChart($('chart'), SYMBOL, {
  currency: () => state.currency,
  onLoaded: (answer) => {
    state.candleSource = answer.source;
    showFacts();
    $('chart-note').textContent =
      answer.ohlc.length === 0
        ? `No ${answer.timeframe} candles yet for ${SYMBOL}.`
        : answer.gaps.length
          ? `${answer.gaps.length} gap${answer.gaps.length > 1 ? 's' : ''} without data, shown as empty space. Scroll back for older candles.`
          : 'Scroll back for older candles.';
  },
});
const live = connectLive({
  symbols: () => [SYMBOL],
  timeframes: () => [chart.timeframe],
  currency: () => state.currency,
  // Updates come in the currency subscribed; one still in flight from before a switch is dropped.
  onPrice: (update) => {
    if (update.symbol !== SYMBOL || (update.vs_currency ?? 'usd') !== state.currency) return;
    showPrice(update.price, update.change_24h, Date.parse(update.timestamp));
  },
  onCandle: (candle) => {
    if (candle.symbol !== SYMBOL || (candle.vs_currency ?? 'usd') !== state.currency) return;
    chart.update(candle);
  },
});

function showPrice(price, change, updatedAt) {
  $('asset-price').textContent = formatPrice(price, state.currency);
  const { text, className } = formatPercent(change);
  $('asset-change').textContent = `${text} 24h`;
  $('asset-change').className = `change ${className}`;
  const age = live.now() - updatedAt;
  $('asset-age').textContent = age > STALE_MS ? `stale · ${formatAge(age)} old` : '';
  document.title = `${SYMBOL} ${formatPrice(price, state.currency)} — Crypto Market API`;
}

function showFacts() {
  if (!state.detail) return;
  renderFacts($('facts'), { ...state, staleMs: STALE_MS, now: live.now() });
}

function remember() {
  const query = new URLSearchParams();
  if (state.range) query.set('range', state.range);
  else query.set('timeframe', state.timeframe);
  if (state.indicators.size) query.set('indicators', [...state.indicators].join(','));
  if (state.currency !== 'usd') query.set('vs_currency', state.currency);
  history.replaceState(null, '', `${location.pathname}?${query}`);
}

function pressed(group, value) {
  for (const button of $(group).querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.value === value));
  }
}

async function show() {
  remember();
  pressed('ranges', state.range ?? '');
  pressed('timeframes', state.timeframe);
  const [timeframe, bars] = state.range ? RANGES[state.range] : [state.timeframe, 300];
  try {
    const answer = await chart.load(timeframe, bars ?? 1000);
    if (!answer) return;
    chart.showLast(bars ?? answer.ohlc.length + 1000);
    await live.subscribe().catch(() => undefined);
    say('');
  } catch (error) {
    say(`Could not load the chart: ${error.message}`);
  }
}

function buttons(group, entries, onPress) {
  $(group).append(
    ...entries.map(([value, label]) => {
      const button = el('button', { type: 'button', value, ariaPressed: 'false' }, label);
      button.addEventListener('click', () => onPress(value, button));
      return button;
    }),
  );
}

buttons(
  'ranges',
  Object.keys(RANGES).map((range) => [range, range]),
  (range) => {
    state.range = range;
    state.timeframe = RANGES[range][0];
    void show();
  },
);
buttons(
  'timeframes',
  Object.keys(TIMEFRAME_SECONDS).map((tf) => [tf, tf]),
  (timeframe) => {
    state.range = null;
    state.timeframe = timeframe;
    void show();
  },
);
buttons('indicators', Object.entries(INDICATORS), async (name, button) => {
  const on = !state.indicators.has(name);
  if (on) state.indicators.add(name);
  else state.indicators.delete(name);
  button.setAttribute('aria-pressed', String(on));
  remember();
  try {
    if (on) await chart.showIndicator(name);
    else chart.hideIndicator(name);
  } catch (error) {
    say(`Could not load ${INDICATORS[name]}: ${error.message}`);
  }
});
for (const button of $('indicators').querySelectorAll('button')) {
  button.setAttribute('aria-pressed', String(state.indicators.has(button.value)));
}

async function loadAsset() {
  try {
    const query = { vs_currency: state.currency === 'usd' ? undefined : state.currency };
    const [detail, latest] = await Promise.all([
      api(`/api/v1/cryptocurrencies/${SYMBOL}`, { query }),
      api(`/api/v1/cryptocurrencies/${SYMBOL}/price`, { query }).catch(() => null),
    ]);
    state.detail = detail;
    state.latest = latest;
    $('logo').replaceChildren(monogram(SYMBOL));
    $('asset-name').textContent = detail.name;
    $('asset-symbol').textContent = SYMBOL;
    showPrice(
      latest?.price ?? detail.current_price,
      detail.price_change_percentage_24h,
      latest?.timestamp ?? Date.parse(detail.last_updated),
    );
    showFacts();
  } catch (error) {
    say(`Could not load ${SYMBOL}: ${error.message}`);
  }
}

wireSentiment($('sentiment-form'), $('sentiment-text'), $('sentiment-result'));
markNavigation('market');
setInterval(showFacts, 10_000);
$('currency').addEventListener('change', () => {
  state.currency = $('currency').value;
  void loadAsset();
  void show();
});
void fillCurrencyPicker($('currency'), state.currency).then((currency) => {
  state.currency = currency;
  void loadAsset();
  return show().then(async () => {
    for (const name of state.indicators) await chart.showIndicator(name).catch(() => undefined);
  });
});
