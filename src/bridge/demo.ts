/**
 * The built-in demo library: freely licensed photos shipped in public/demo (see its LICENSES.md),
 * imported through the normal import path so a newcomer sees Keepsake working at once.
 */
import type { ImportSource } from './importer';

interface DemoIndex {
  files: Array<{ name: string; lastModified: number }>;
}

export async function demoSources(): Promise<ImportSource[]> {
  const index = (await (await fetch('/demo/index.json')).json()) as DemoIndex;
  return Promise.all(
    index.files.map(async ({ name, lastModified }) => {
      const blob = await (await fetch(`/demo/${encodeURIComponent(name)}`)).blob();
      return { path: `Demo library/${name}`, file: new File([blob], name, { lastModified }) };
    }),
  );
}
