import type { ExecutionContext } from '@nestjs/common';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import type { AppException } from '../errors/app.exception';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RateLimitGuard } from './rate-limit.guard';

class Routes {
  plain(): void {}

  @Throttle({ default: { limit: 2, ttl: 60_000 } })
  tight(): void {}

  @SkipThrottle()
  probe(): void {}
}

/** An HTTP execution context for one of Routes' handlers, with a reply that records headers. */
function contextFor(handler: keyof Routes, ip = '10.0.0.1') {
  const headers: Record<string, unknown> = {};
  const reply = {
    header: (name: string, value: unknown) => ((headers[name] = value), reply),
    headers: (values: Record<string, unknown>) => (Object.assign(headers, values), reply),
    getHeader: (name: string) => headers[name],
  };
  const request = { ip, headers: {}, raw: { socket: { remoteAddress: ip } } };
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

async function guard(limit = 5): Promise<RateLimitGuard> {
  const sut = new RateLimitGuard(
    { throttlers: [{ name: 'default', ttl: 60_000, limit }] },
    new MemoryThrottlerStorage(),
  );
  await sut.onModuleInit();
  return sut;
}

const outcome = (sut: RateLimitGuard, handler: keyof Routes) =>
  sut.canActivate(contextFor(handler).context).then(
    () => 200,
    (error: AppException) => error.status,
  );

describe(RateLimitGuard.name, () => {
  it('counts a route against the module limit, with the rate-limit headers', async () => {
    const sut = await guard(3);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await outcome(sut, 'plain'));
    expect(statuses).toEqual([200, 200, 200, 429]);
    const { context, headers } = contextFor('plain', '10.0.0.2');
    await sut.canActivate(context);
    expect(headers).toMatchObject({
      'x-ratelimit-limit': 3,
      'x-ratelimit-remaining': 2,
      ratelimit: '"default";r=2;t=60',
      'ratelimit-policy': '"default";q=3;w=60',
    });
  });

  it("applies a route's @Throttle limit and honours @SkipThrottle", async () => {
    const sut = await guard(5);
    const tight = [];
    for (let i = 0; i < 3; i++) tight.push(await outcome(sut, 'tight'));
    expect(tight).toEqual([200, 200, 429]);
    const probes = [];
    for (let i = 0; i < 10; i++) probes.push(await outcome(sut, 'probe'));
    expect(probes.every((status) => status === 200)).toBe(true);
  });
});
