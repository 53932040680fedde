// Every migration, in order. `npm run migration:generate` appends new ones here.
import { CreateApiKeys1795329449997 } from './1795329449997-CreateApiKeys';

export const MIGRATIONS = [CreateApiKeys1795329449997];
