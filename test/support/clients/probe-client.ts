// /__probe: routes that exist only in the test app (probe.module.ts), for the cross-cutting machinery.
import type { ProbeDto } from '../probe.module';
import type { Answer, ApiClient } from './api-client';

export class ProbeClient {
  constructor(private readonly api: ApiClient) {}

  /** POST /__probe/echo with a body sent as is (text) or as JSON (anything else). */
  echo(body: unknown, contentType = 'application/json'): Promise<Answer<ProbeDto>> {
    return this.api.post('/__probe/echo', { body, headers: { 'content-type': contentType } });
  }

  /** GET /__probe/boom: an unexpected error. */
  boom(): Promise<Answer<unknown>> {
    return this.api.get('/__probe/boom');
  }
}
