import { Foundation1764000000000 } from './1764000000000-foundation';
import { Identity1764100000000 } from './1764100000000-identity';
import { Agents1764300000000 } from './1764300000000-agents';

/** Every migration, in order. A landed migration is never edited; add a new one. */
export const MIGRATIONS = [Foundation1764000000000, Identity1764100000000, Agents1764300000000];
