// Real-time delivery over Socket.IO and /ws: pacing, per-client bounds, keys, recovery, heartbeat.
import { BooleanVar, IntegerVar } from './environment-decorators';

export class RealtimeEnvironment {
  /** Real-time: at most one update per symbol per client this often (latest value wins). */
  @IntegerVar(10, 60_000)
  WS_MIN_INTERVAL_MS = 250;

  @IntegerVar(1, 1_000)
  WS_MAX_SYMBOLS_PER_CLIENT = 50;

  /** Unsent bytes a real-time connection may hold in this process before it is closed. */
  @IntegerVar(16_384, 268_435_456)
  WS_MAX_BUFFERED_BYTES = 1_048_576;

  /** Client messages per second per connection (Socket.IO and /ws) before `rate_limited`. */
  @IntegerVar(1, 10_000)
  WS_MESSAGES_PER_SECOND = 20;

  /** Require a valid API key in the Socket.IO handshake (`auth.apiKey`) or on /ws. */
  @BooleanVar()
  WS_REQUIRE_API_KEY = false;

  /** A Socket.IO client reconnecting within this window gets the updates it missed (0: off). */
  @IntegerVar(0, 3_600)
  WS_RECOVERY_WINDOW_SECONDS = 120;

  /** Heartbeat of both protocols: a connection silent for about twice this is closed. */
  @IntegerVar(1, 300)
  WS_HEARTBEAT_SECONDS = 25;
}
