// The /ws/test page: Socket.IO client of the price stream. Plain browser JavaScript, no build.
(function () {
  'use strict';
  var POINTS = 60;
  var CANDLES = 10;
  var socket = io({ transports: ['websocket', 'polling'] });
  var cards = {};
  var candles = [];

  var $ = function (id) {
    return document.getElementById(id);
  };

  function say(text) {
    $('message').textContent = text || '';
  }

  function setStatus(online, text) {
    var status = $('status');
    status.textContent = text;
    status.className = 'status ' + (online ? 'online' : 'offline');
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(symbol) {
    if (cards[symbol]) return cards[symbol];
    var root = element('article', 'card');
    root.dataset.symbol = symbol;
    var title = element('h3');
    title.appendChild(element('span', 'name', symbol));
    var remove = element('button', '', 'unsubscribe');
    remove.type = 'button';
    remove.addEventListener('click', function () {
      socket.emit('unsubscribe', { symbol: symbol }, function (ack) {
        if (!ack.success) return say(ack.error);
        root.remove();
        delete cards[symbol];
      });
    });
    title.appendChild(remove);
    root.appendChild(title);
    var price = element('div', 'price', '—');
    var change = element('div', 'meta change');
    var meta = element('div', 'meta details');
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 100 40');
    svg.setAttribute('preserveAspectRatio', 'none');
    var line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    svg.appendChild(line);
    root.append(price, change, svg, meta);
    $('symbols').appendChild(root);
    cards[symbol] = {
      root: root,
      price: price,
      change: change,
      meta: meta,
      line: line,
      history: [],
    };
    return cards[symbol];
  }

  function sparkline(target) {
    var values = target.history;
    var min = Math.min.apply(null, values);
    var max = Math.max.apply(null, values);
    var span = max - min || 1;
    var step = values.length > 1 ? 100 / (values.length - 1) : 0;
    target.line.setAttribute(
      'points',
      values
        .map(function (v, i) {
          return (i * step).toFixed(1) + ',' + (38 - ((v - min) / span) * 36).toFixed(1);
        })
        .join(' '),
    );
  }

  function formatPrice(value) {
    return value.toLocaleString(undefined, { maximumSignificantDigits: 8 });
  }

  socket.on('connect', function () {
    setStatus(true, 'connected');
    // A new session has no rooms: the recovery window passed, or the instance the page was on
    // died without storing the session. Subscribe again to what the page shows.
    var shown = Object.keys(cards);
    if (socket.recovered || shown.length === 0) return;
    socket.emit('subscribe', { symbols: shown }, function (ack) {
      if (!ack.success) say(ack.error);
    });
  });
  socket.on('disconnect', function (reason) {
    setStatus(false, 'disconnected (' + reason + ')');
  });
  socket.on('connect_error', function (error) {
    setStatus(false, 'cannot connect: ' + error.message);
  });
  socket.on('connected', function (hello) {
    $('status').title = 'client ' + hello.client_id;
  });
  socket.on('error', function (error) {
    say(error.error + ' (' + error.code + ')');
  });

  socket.on('price_update', function (update) {
    var target = card(update.symbol);
    target.price.textContent = formatPrice(update.price);
    if (update.change_24h !== null) {
      target.change.textContent =
        (update.change_24h >= 0 ? '+' : '') + update.change_24h.toFixed(2) + '% 24h';
      target.change.className = 'meta change ' + (update.change_24h >= 0 ? 'up' : 'down');
    }
    target.meta.textContent =
      update.source +
      ' · seq ' +
      update.seq +
      ' · ' +
      new Date(update.timestamp).toLocaleTimeString();
    target.history.push(update.price);
    if (target.history.length > POINTS) target.history.shift();
    sparkline(target);
  });

  socket.on('candle_update', function (candle) {
    var index = candles.findIndex(function (c) {
      return c.symbol === candle.symbol && c.open_time === candle.open_time;
    });
    if (index >= 0) candles[index] = candle;
    else candles.unshift(candle);
    candles = candles.slice(0, CANDLES);
    var body = $('candles').tBodies[0];
    body.replaceChildren.apply(
      body,
      candles.map(function (c) {
        var row = element('tr');
        [
          c.symbol,
          new Date(c.open_time).toLocaleTimeString(),
          formatPrice(c.open),
          formatPrice(c.high),
          formatPrice(c.low),
          formatPrice(c.close),
          c.volume.toFixed(4),
          c.is_closed ? 'closed' : 'open',
        ].forEach(function (text) {
          row.appendChild(element('td', '', text));
        });
        return row;
      }),
    );
  });

  $('subscribe-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var symbols = $('symbol-input')
      .value.split(/[\s,]+/)
      .filter(Boolean);
    if (symbols.length === 0) return;
    socket.emit('subscribe', { symbols: symbols }, function (ack) {
      if (!ack.success) return say(ack.error);
      say('');
      ack.symbols.forEach(card);
      $('symbol-input').value = '';
    });
  });

  var initial = new URLSearchParams(location.search).get('symbols');
  if (initial) {
    socket.once('connect', function () {
      socket.emit('subscribe', { symbols: initial.split(',') }, function (ack) {
        if (!ack.success) say(ack.error);
      });
    });
  }
})();
