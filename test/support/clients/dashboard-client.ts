// The dashboard: its pages, static files and the JSON only its pages read.
import type { Answer, ApiClient, Query, RequestOptions } from './api-client';

export interface SparklinesBody {
  timeframe: string;
  from: number;
  to: number;
  sparklines: Record<string, (number | null)[]>;
}

export class DashboardClient {
  constructor(private readonly api: ApiClient) {}

  /** A page (`''`, `assets/BTC`, `ops`) as a browser asks for it. */
  page(path = '', options?: RequestOptions): Promise<Answer<string>> {
    return this.api.get(`/dashboard${path ? `/${path}` : ''}`, {
      ...options,
      headers: { accept: 'text/html', ...options?.headers },
    });
  }

  file(name: string): Promise<Answer<string>> {
    return this.api.get(`/dashboard/static/${name}`);
  }

  sparklines(query?: Query): Promise<Answer<SparklinesBody>> {
    return this.api.get('/dashboard/data/sparklines', { query });
  }

  ops(options?: RequestOptions): Promise<Answer> {
    return this.api.get('/dashboard/data/ops', options);
  }
}
