import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { AppConfig } from '../config/app-config';

/** A session as the streams adapter stores it for connection-state recovery. */
interface Session {
  sid: string;
  pid: string;
  rooms: string[];
  data: unknown;
}
type RecoveryAdapter = { persistSession(session: Session): void };

/** Room changes of a socket within this long are stored once. */
const SAVE_DELAY_MS = 50;

/**
 * Keeps every connected socket's recovery session in Redis while it is connected, so a
 * client whose instance was killed (SIGKILL, OOM, a lost node) can still recover on another
 * one: Socket.IO only stores a session when it sees the disconnect, which a dead process
 * never does. Stored on connection and after room changes, and refreshed every half
 * recovery window so the stored copy never expires under a live socket. Only with the
 * Redis streams adapter: with the in-memory one, sessions die with the process anyway.
 */
@Injectable()
export class RecoverySessionsService implements OnModuleDestroy {
  private readonly logger = new Logger(RecoverySessionsService.name);
  private readonly pending = new Map<string, Socket>();
  private flushTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.redis.url !== undefined && this.config.realtime.recoveryWindowMs > 0;
  }

  attach(server: Server): void {
    if (!this.enabled) return;
    const namespace = server.of('/');
    const changed = (_room: string, id: string) => {
      const socket = namespace.sockets.get(id);
      if (socket) this.schedule(socket);
    };
    namespace.adapter.on('join-room', changed);
    namespace.adapter.on('leave-room', changed);
    this.refreshTimer = setInterval(() => {
      for (const socket of namespace.sockets.values()) this.save(socket);
    }, this.config.realtime.recoveryWindowMs / 2);
    this.refreshTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.refreshTimer);
    clearTimeout(this.flushTimer);
    this.pending.clear();
  }

  private schedule(socket: Socket): void {
    this.pending.set(socket.id, socket);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      for (const pendingSocket of this.pending.values()) this.save(pendingSocket);
      this.pending.clear();
    }, SAVE_DELAY_MS);
  }

  private save(socket: Socket): void {
    if (!socket.connected) return; // closing: Socket.IO stores (or drops) it itself
    const { pid } = socket as unknown as { pid?: string };
    if (!pid) return;
    try {
      (socket.nsp.adapter as unknown as RecoveryAdapter).persistSession({
        sid: socket.id,
        pid,
        rooms: [...socket.rooms],
        data: socket.data,
      });
    } catch (error) {
      this.logger.warn(`recovery session of ${socket.id} not stored: ${String(error)}`);
    }
  }
}
