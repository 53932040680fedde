import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { AppException } from '../common/errors/app.exception';
import { ApiProblems } from '../common/http/api-problem.decorator';
import { ApiKeyGuard, RequireRole } from './api-key.guard';
import { mapApiKey } from './api-keys.mapper';
import { ApiKeysService } from './api-keys.service';
import {
  ApiKeyListDto,
  CreateApiKeyDto,
  CreatedApiKeyDto,
  ListApiKeysQuery,
} from './dto/api-key.dto';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => AppException.validation([{ field: 'id', message: 'id must be a UUID' }]),
});

@ApiTags('admin')
@ApiSecurity('api-key')
@UseGuards(ApiKeyGuard)
@RequireRole('admin')
@Controller('api/v1/admin/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Issue an API key (admin); the key is in this answer only' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblems(400, 401, 403, 409, 413, 415, 429, 503)
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    const { key, row } = await this.apiKeys.create(body.name, body.role, expiresAt);
    return { ...mapApiKey(row), key };
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'List API keys (admin): no secrets, with last use' })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiProblems(400, 401, 403, 429, 503)
  async list(@Query() query: ListApiKeysQuery): Promise<ApiKeyListDto> {
    const rows = await this.apiKeys.list(query.include_revoked ?? false);
    const now = Date.now();
    return { items: rows.map((row) => mapApiKey(row, now)) };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key (admin): refused at once on every instance' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 401, 403, 404, 429, 503)
  async revoke(@Param('id', uuid) id: string): Promise<void> {
    if (!(await this.apiKeys.revoke(id))) {
      throw AppException.notFound(`No active API key with id '${id}'`);
    }
  }
}
