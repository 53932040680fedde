export const API_KEY_ROLES = ['admin', 'partner', 'reader'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** Who a verified key belongs to. */
export interface ApiKeyIdentity {
  name: string;
  role: ApiKeyRole;
}
