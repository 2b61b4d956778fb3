/**
 * `npm run bench [-- <name> [--count N]]`: runs benchmarks and writes bench/results/<name>.json.
 * Benchmarks: import (throughput of 12-MP JPEGs), scale (the whole app with a synthetic library of
 * 100,000 photos: open, scroll, filters, People, memories, a book),
 * analyse (analysis throughput and ms per stage, per TF.js backend), analyse-scale (memory over one
 * long analysis session: heaps after GC, tensors, browser RSS), cluster (people clustering of
 * 50,000 faces and event segmentation of 100,000 photos), memories (the pure memories pipeline on a
 * synthetic library of 100,000 photos: candidates, taste, ranking, titles), export (a 100-page book from 12-MP originals),
 * ux (initial JS against its 300 KB gzip budget, first contentful paint and time to interactive).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../cli/serve';
import { benchImport } from './import';
import { benchScale } from './scale';
import { benchAnalyse } from './analyse';
import { benchAnalyseScale } from './analyse-scale';
import { benchCluster } from './cluster';
import { benchMemories } from './memories';
import { benchExport } from './export';
import { benchUx } from './ux';

const BENCHES: Record<string, (args: string[]) => Promise<unknown>> = { import: benchImport, scale: benchScale, analyse: benchAnalyse, 'analyse-scale': benchAnalyseScale, cluster: benchCluster, memories: benchMemories, export: benchExport, ux: benchUx };

async function main(): Promise<void> {
  const [name = 'all', ...rest] = process.argv.slice(2);
  const names = name === 'all' ? Object.keys(BENCHES) : [name];
  for (const bench of names) {
    const run = BENCHES[bench];
    if (!run) throw new Error(`unknown benchmark "${bench}" (have: ${Object.keys(BENCHES).join(', ')})`);
    const result = await run(rest);
    const dir = join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${bench}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
  }
}

main().catch((error: Error) => {
  console.error(`bench: ${error.message}`);
  process.exit(1);
});
