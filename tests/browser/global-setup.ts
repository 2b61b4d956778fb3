/** Build the app once for every browser test file; they then serve dist/ without rebuilding. */
import { ensureBuilt } from '../../cli/serve';

export default function setup(): void {
  ensureBuilt((line) => console.log(line));
  process.env.KEEPSAKE_SKIP_BUILD = '1';
}
