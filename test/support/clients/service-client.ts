// The service's own pages: the index of entry points, the OpenAPI document and the metrics.
import type { ApiInfoDto } from '../api-types';
import type { Answer, ApiClient, RequestOptions } from './api-client';

export class ServiceClient {
  constructor(private readonly api: ApiClient) {}

  /** GET /: the API's name, version and entry points. */
  info(options?: RequestOptions): Promise<Answer<ApiInfoDto>> {
    return this.api.get('/', options);
  }

  /** GET /docs-json: the OpenAPI document, as `T` for a reader with a more detailed view of it. */
  openApi<T extends object = OpenApiDocument>(): Promise<Answer<T>> {
    return this.api.get('/docs-json');
  }

  /** GET /docs: the Swagger UI page. */
  docs(): Promise<Answer<string>> {
    return this.api.get('/docs');
  }

  /** GET /metrics: Prometheus text. */
  metrics(): Promise<Answer<string>> {
    return this.api.get('/metrics');
  }
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [field: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
  [field: string]: unknown;
}
