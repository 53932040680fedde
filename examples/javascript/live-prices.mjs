// Live prices over Socket.IO: subscribe to symbols, print each update.
//   npm install socket.io-client
//   node examples/javascript/live-prices.mjs            # BASE_URL=http://localhost:3000 SYMBOLS=BTC,ETH
import { io } from 'socket.io-client';

const baseUrl = process.env.BASE_URL ?? 'http://localhost:3000';
const symbols = (process.env.SYMBOLS ?? 'BTC,ETH').split(',');
const updates = Number(process.env.UPDATES ?? Infinity); // stop after this many

const socket = io(baseUrl, { transports: ['websocket'] });
let received = 0;

socket.on('price_update', (update) => {
  console.log(`${update.symbol} ${update.price} (${update.source}, seq ${update.seq})`);
  if (++received >= updates) socket.close();
});
socket.on('connect_error', (error) => {
  console.error(`cannot connect to ${baseUrl}: ${error.message}`);
  process.exitCode = 1;
  socket.close();
});

const ack = await socket.emitWithAck('subscribe', { symbols });
if (!ack.success) {
  console.error(`subscription refused: ${ack.error}`);
  process.exitCode = 1;
  socket.close();
} else {
  console.log(`subscribed to ${ack.subscriptions.join(', ')}`);
}
