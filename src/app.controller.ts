import { Negotiator } from '@fastify/accept-negotiator';
import { Controller, Get, Headers, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { APP_DESCRIPTION, APP_NAME, APP_VERSION } from './app.info';
import { addVary } from './common/http/vary';

export class ApiInfoDto {
  @ApiProperty({ example: 'crypto-market-api' })
  name!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ example: 'Crypto market data API' })
  description!: string;

  @ApiProperty({ example: '/api/v1' })
  api!: string;

  @ApiProperty({ example: '/docs' })
  docs!: string;

  @ApiProperty({ example: '/docs-json' })
  openapi!: string;

  @ApiProperty({ example: '/health' })
  health!: string;

  @ApiProperty({ example: '/metrics' })
  metrics!: string;

  @ApiProperty({ example: '/ws/test' })
  websocket_test!: string;

  @ApiProperty({ example: '/dashboard' })
  dashboard!: string;
}

const INFO: ApiInfoDto = {
  name: APP_NAME,
  version: APP_VERSION,
  description: APP_DESCRIPTION,
  api: '/api/v1',
  docs: '/docs',
  openapi: '/docs-json',
  health: '/health',
  metrics: '/metrics',
  websocket_test: '/ws/test',
  dashboard: '/dashboard',
};

/** JSON first: a client that accepts anything (curl, fetch) gets the API's answer. */
const ANSWERS = new Negotiator({ supportedValues: ['application/json', 'text/html'] });

@ApiTags('compatibility')
@Controller()
export class AppController {
  @Get()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'API information and entry points' })
  @ApiOkResponse({ type: ApiInfoDto })
  info(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ApiInfoDto {
    addVary(reply, 'Accept');
    // A browser (it prefers text/html) is taken to the dashboard; API clients get the JSON.
    if (accept && ANSWERS.negotiate(accept) === 'text/html') {
      void reply.status(HttpStatus.FOUND).header('location', '/dashboard');
    }
    return INFO;
  }
}
