/** Where the shared corpus lives: $KEEPSAKE_CORPUS, else ../shared/corpus beside the repository. */
import { resolve } from 'node:path';
import { ROOT } from './serve';

export const CORPUS = process.env.KEEPSAKE_CORPUS ?? resolve(ROOT, '../shared/corpus');
