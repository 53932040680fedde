// Socket.IO's HTTP long-polling transport (engine.io v4) driven by hand, for a client that can
// stop polling: its session, the packets it sends and each poll.
import type { Answer, ApiClient } from './api-client';

const PATH = '/socket.io/';
const POLLING = { EIO: 4, transport: 'polling' };

export class PollingClient {
  constructor(private readonly api: ApiClient) {}

  /** The handshake (an open packet, `0{…}`): the new session's id. */
  async open(): Promise<string> {
    const { text } = await this.api.get(PATH, { query: POLLING });
    return (JSON.parse(text.slice(1)) as { sid: string }).sid;
  }

  /** Packets as the wire carries them: `40` connects, `42[…]` emits an event. */
  send(sid: string, packets: string): Promise<Answer> {
    return this.api.post(PATH, { query: { ...POLLING, sid }, body: packets });
  }

  /** One poll: what the service queued for the session (its `text`). */
  poll(sid: string): Promise<Answer> {
    return this.api.get(PATH, { query: { ...POLLING, sid } });
  }
}
