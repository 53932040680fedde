import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const asset = (name: string): string => readFileSync(join(__dirname, 'test-page', name), 'utf8');
const PAGE = asset('index.html');
const SCRIPT = asset('test-page.js');
const STYLE = asset('test-page.css');

/**
 * GET /ws/test: a self-contained page that connects over Socket.IO (the client bundle is
 * served by socket.io itself, at /socket.io/socket.io.min.js) and shows live prices.
 * Script and style are files of their own, so the page works under the pages' CSP.
 */
@ApiExcludeController()
@Controller('ws/test')
export class TestPageController {
  @Get()
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  page(): string {
    return PAGE;
  }

  @Get('test-page.js')
  @HttpCode(200)
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'no-cache')
  script(): string {
    return SCRIPT;
  }

  @Get('test-page.css')
  @HttpCode(200)
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'no-cache')
  style(): string {
    return STYLE;
  }
}
