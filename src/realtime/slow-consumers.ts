/**
 * Slow consumers: a client that stops reading (but may still answer pings) would have every
 * update queued for it in this process, without end. Each connection's unsent bytes are
 * bounded by WS_MAX_BUFFERED_BYTES; past the bound the connection is closed at once (its
 * TCP socket destroyed, which also frees what the kernel holds for it) and counted in
 * `realtime_slow_consumers_closed_total`. What the kernel buffers below the bound is the
 * operating system's (net.ipv4.tcp_wmem), not counted here.
 */

/** What a Socket.IO connection (engine.io Socket) exposes at run time that this needs. */
export interface EngineConnection {
  writeBuffer: { data?: unknown }[];
  transport: { name: string; socket?: { bufferedAmount: number; terminate(): void } };
  close(discard?: boolean): unknown;
}

/** Bytes queued for a connection: engine.io's write buffer and the WebSocket's own. */
export function unsentBytes(conn: EngineConnection): number {
  let bytes =
    conn.transport.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
  for (const packet of conn.writeBuffer) bytes += packetBytes(packet.data);
  return bytes;
}

/** Closes a connection now, without waiting for its queue to drain (it never would). */
export function closeNow(conn: EngineConnection): void {
  const socket = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
  if (socket) socket.terminate();
  else conn.close(true);
}

function packetBytes(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
