// /api/v1/admin/api-keys: issue, list and revoke keys (sent with an admin key).
import type { ApiKeyListDto, CreatedApiKeyDto } from '../api-types';
import type { Answer, ApiClient, Query } from './api-client';

const PATH = '/api/v1/admin/api-keys';

export class ApiKeysClient {
  constructor(private readonly api: ApiClient) {}

  create(body: Record<string, unknown>): Promise<Answer<CreatedApiKeyDto>> {
    return this.api.post(PATH, { body });
  }

  list(query?: Query): Promise<Answer<ApiKeyListDto>> {
    return this.api.get(PATH, { query });
  }

  revoke(id: string): Promise<Answer<unknown>> {
    return this.api.delete(`${PATH}/${encodeURIComponent(id)}`);
  }
}
