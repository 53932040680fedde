// A second reference for `npm run bench:read`: the bare route of bare-server.ts (the same
// Redis GET, the same response) as one controller of an otherwise empty Nest application on
// the Fastify adapter. No guard, pipe, filter, hook, CORS, security headers, logging or
// metrics: between it and bare Fastify is what Nest's request pipeline itself costs, and
// between it and the service is what the service's features cost on top.
import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { serveUntilSignal } from './bare-lifecycle';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const key = process.env.BARE_KEY ?? 'missing';

@Controller()
class PriceController {
  @Get('price')
  async price(): Promise<{ symbol: string; price: number; timestamp: number; source: string }> {
    const value = await redis.get(key);
    if (!value) throw new NotFoundException();
    const price = JSON.parse(value) as { price: number; timestamp: number; source: string };
    return { symbol: 'BTC', price: price.price, timestamp: price.timestamp, source: price.source };
  }
}

@Module({ controllers: [PriceController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), {
    logger: false,
  });
  await serveUntilSignal(app, redis);
}

void main();
