// How the bare reference servers of the read benchmarks run: on PORT/HOST (as the harness
// starts them), until SIGTERM or SIGINT closes the server and its Redis connection.
import type Redis from 'ioredis';

interface Listening {
  listen(options: { port: number; host: string }): Promise<unknown>;
  close(): Promise<unknown>;
}

export async function serveUntilSignal(app: Listening, redis: Redis): Promise<void> {
  const port = Number(process.env.PORT ?? 0);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen({ port, host });
  console.log(`listening on http://${host}:${port}`);
  const close = () =>
    void app
      .close()
      .then(() => redis.quit())
      .then(() => process.exit(0));
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}
