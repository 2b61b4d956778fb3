/**
 * The print PDF of a book (DESIGN.md §7), with pdf-lib: single pages with MediaBox = BleedBox =
 * TrimBox grown by the lab's bleed; photos as JPEGs re-encoded by the caller at their placed size
 * (so no EXIF or GPS from the originals can reach the file), tagged with the sRGB profile that is
 * also the PDF/X OutputIntent; XMP with GTS_PDFXVersion PDF/X-4, /Trapped /False, a trailer /ID;
 * the text font embedded. Runs in a worker or in Node; the caller supplies the pixels.
 */
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, PDFHexString, PDFName, PDFString, degrees, rgb, type PDFFont, type PDFImage, type PDFObject, type PDFPage, type PDFRef } from 'pdf-lib';
import { PdfStreamWriter } from './pdf-stream';
import { MM_PER_INCH, POINTS_PER_MM, type BookFormat, type Lab } from './formats';
import type { Book, BookPage, PhotoSlot, TextBlock } from './model';

export interface PdfAssets {
  /** An RGB ICC profile (sRGB): the OutputIntent and every image's colour space. */
  iccProfile: Uint8Array;
  /**
   * TrueType fonts, preferred first: each text is set in the first that has all its glyphs (Latin
   * in DejaVu, Japanese and Chinese in Noto CJK). The first is subset (checked for DejaVu); the
   * others are embedded whole, as fontkit's subsetting breaks some fonts silently (DESIGN.md §7).
   */
  fonts: Uint8Array[];
}

export interface SlotPixels {
  /** Baseline JPEG without metadata, of the slot's crop at `width` × `height` pixels. */
  jpeg: Uint8Array;
  width: number;
  height: number;
}

/** Resolution photos are encoded at: enough for print, not more (DESIGN.md §7: ~300–350 ppi). */
export const TARGET_PPI = 300;
/** Photos prepared ahead of the page being drawn: the caller may decode and encode them in parallel; memory stays bounded. */
const PREPARED_AHEAD = 4;

export interface PdfOptions {
  /** Pixels of one slot: its photo, cropped and scaled to at most the target size. */
  pixels: (slot: PhotoSlot, target: { width: number; height: number }) => Promise<SlotPixels>;
  signal?: AbortSignal;
  /** Called after each page is drawn (1-based page number, total). */
  progress?: (page: number, pages: number) => void;
  /** Fixed for reproducible files (tests); defaults to now. */
  now?: Date;
}

export class BookExportError extends Error {}

/** A printed sheet: its trim (the finished size) and the bleed printed around it, mm. */
export interface Sheet {
  widthMm: number;
  heightMm: number;
  bleedMm: number;
}

export function writeBookPdf(book: Book, format: BookFormat, lab: Lab, assets: PdfAssets, options: PdfOptions): Promise<Blob> {
  return writeSheets(book, book.pages, { widthMm: format.widthMm, heightMm: format.heightMm, bleedMm: lab.bleedMm }, assets, options);
}

/** The cover as its own PDF (back, spine and front on one sheet), for labs that want it apart. */
export function writeCoverPdf(book: Book, cover: BookPage, sheet: Sheet, assets: PdfAssets, options: PdfOptions): Promise<Blob> {
  return writeSheets(book, [cover], sheet, assets, options);
}

async function writeSheets(book: Book, pages: readonly BookPage[], sheet: Sheet, assets: PdfAssets, options: PdfOptions): Promise<Blob> {
  const fontFor = fontChoice(pages, assets.fonts);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const embedded = new Map<number, Promise<PDFFont>>();
  const font = (block: TextBlock): Promise<PDFFont> => {
    const index = fontFor(block);
    if (!embedded.has(index)) embedded.set(index, doc.embedFont(assets.fonts[index]!, { subset: index === 0 }));
    return embedded.get(index)!;
  };
  const icc = doc.context.register(doc.context.flateStream(assets.iccProfile, { N: 3, Alternate: 'DeviceRGB' }));
  // Photos are sRGB: they say so with the profile, not DeviceRGB.
  const colourSpace = doc.context.obj([PDFName.of('ICCBased'), icc]);
  const writer = new PdfStreamWriter(doc.context);
  const slots = pages.flatMap((page) => page.slots);
  const prepared = new Map<PhotoSlot, Promise<SlotPixels>>();
  let next = 0;
  const prepareAhead = (): void => {
    while (next < slots.length && prepared.size < PREPARED_AHEAD) {
      const slot = slots[next++]!;
      const pixels = options.pixels(slot, targetSize(slot));
      pixels.catch(() => undefined); // awaited in order below; never an unhandled rejection meanwhile
      prepared.set(slot, pixels);
    }
  };
  for (const [index, page] of pages.entries()) {
    if (options.signal?.aborted) throw new DOMException('The export was cancelled.', 'AbortError');
    const pdfPage = addPrintPage(doc, sheet);
    for (const slot of page.slots) {
      prepareAhead();
      const pixels = await prepared.get(slot)!;
      prepared.delete(slot);
      prepareAhead();
      const image = await doc.embedJpg(pixels.jpeg);
      pdfPage.drawImage(image, toPoints(slot.frame, sheet));
      // Written out at once: the file's photos never wait in memory for the end.
      await image.embed();
      tagImage(doc, image, colourSpace);
      writer.writeAndDrop(image.ref);
    }
    for (const text of page.texts) if (text.text.trim()) drawText(pdfPage, text, await font(text), sheet);
    options.progress?.(index + 1, pages.length);
  }
  await doc.flush();
  markPdfX(doc, book, icc, options.now ?? new Date());
  return writer.finish();
}

/**
 * The font of each text: the first with every glyph it needs. A missing glyph prints as nothing,
 * so a text no font can print stops the export, naming the characters.
 */
function fontChoice(pages: readonly BookPage[], fonts: readonly Uint8Array[]): (block: TextBlock) => number {
  const parsed = fonts.map((bytes) => fontkit.create(bytes as unknown as Buffer));
  const prints = (index: number, text: string): boolean => [...text].every((char) => !char.trim() || parsed[index]!.hasGlyphForCodePoint(char.codePointAt(0)!));
  const choice = new Map<string, number>();
  const missing = new Set<string>();
  for (const page of pages) {
    for (const { text } of page.texts) {
      const index = parsed.findIndex((_, i) => prints(i, text));
      if (index >= 0) choice.set(text, index);
      else for (const char of text) if (char.trim() && !parsed.some((font) => font.hasGlyphForCodePoint(char.codePointAt(0)!))) missing.add(char);
    }
  }
  if (missing.size) throw new BookExportError(`No font Keepsake has can print ${[...missing].slice(0, 8).join(' ')}${missing.size > 8 ? ' …' : ''}. Edit those titles to print this book.`);
  return (block) => choice.get(block.text) ?? 0;
}

/** Han, kana and hangul: texts that need a CJK font. */
export const needsCjkFont = (texts: Iterable<string>): boolean => [...texts].some((text) => /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u.test(text));

function addPrintPage(doc: PDFDocument, sheet: Sheet): PDFPage {
  const k = POINTS_PER_MM;
  const width = (sheet.widthMm + 2 * sheet.bleedMm) * k;
  const height = (sheet.heightMm + 2 * sheet.bleedMm) * k;
  const page = doc.addPage([width, height]);
  page.setMediaBox(0, 0, width, height);
  page.setBleedBox(0, 0, width, height);
  page.setTrimBox(sheet.bleedMm * k, sheet.bleedMm * k, sheet.widthMm * k, sheet.heightMm * k);
  return page;
}

/** Model millimetres (top-left origin on the trim) to PDF points (bottom-left origin on the MediaBox). */
function toPoints(frame: { x: number; y: number; w: number; h: number }, sheet: Sheet) {
  const k = POINTS_PER_MM;
  return { x: (sheet.bleedMm + frame.x) * k, y: (sheet.bleedMm + sheet.heightMm - frame.y - frame.h) * k, width: frame.w * k, height: frame.h * k };
}

/** Pixels a slot is encoded at: its printed size at the target resolution (rounded up, so never under it). */
function targetSize(slot: PhotoSlot): { width: number; height: number } {
  return { width: Math.ceil((slot.frame.w / MM_PER_INCH) * TARGET_PPI), height: Math.ceil((slot.frame.h / MM_PER_INCH) * TARGET_PPI) };
}

/**
 * One line, centred or left-aligned, shrunk (to 60 % at most) to fit its frame; a spine's text
 * runs down its frame (turned a quarter clockwise, read with the book lying face up).
 */
function drawText(page: PDFPage, block: TextBlock, font: PDFFont, sheet: Sheet): void {
  if (!block.text.trim()) return;
  const box = toPoints(block.frame, sheet);
  const down = block.rotate === -90;
  const length = down ? box.height : box.width;
  let size = block.sizePt;
  while (size > block.sizePt * 0.6 && font.widthOfTextAtSize(block.text, size) > length) size -= 0.5;
  const width = font.widthOfTextAtSize(block.text, size);
  const color = rgb(0.12, 0.12, 0.14);
  if (down) {
    page.drawText(block.text, { x: box.x + (box.width - size * 0.7) / 2, y: box.y + box.height - (box.height - width) / 2, size, font, color, rotate: degrees(-90) });
    return;
  }
  const x = block.align === 'center' ? box.x + (box.width - width) / 2 : box.x;
  page.drawText(block.text, { x, y: box.y + box.height - size, size, font, color });
}

function tagImage(doc: PDFDocument, image: PDFImage, colourSpace: PDFObject): void {
  const stream = doc.context.lookup(image.ref);
  const dict = stream && 'dict' in stream ? (stream as unknown as { dict: { set(key: PDFName, value: PDFObject): void } }).dict : null;
  if (!dict) throw new BookExportError('an embedded photo could not be tagged with its colour profile');
  dict.set(PDFName.of('ColorSpace'), colourSpace);
}

/** PDF/X-4 markers: OutputIntent, XMP metadata, Info /Trapped and /GTS_PDFXVersion, trailer /ID. */
function markPdfX(doc: PDFDocument, book: Book, icc: PDFRef, now: Date): void {
  const context = doc.context;
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    RegistryName: PDFString.of('http://www.color.org'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: icc,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([intent]));
  const id = documentId(book, now);
  const xmp = new TextEncoder().encode(xmpPacket(book.title, now, id));
  const metadata = context.register(context.stream(xmp, { Type: 'Metadata', Subtype: 'XML', Length: xmp.length }));
  doc.catalog.set(PDFName.of('Metadata'), metadata);
  doc.setTitle(book.title);
  doc.setCreator('Keepsake');
  doc.setProducer('Keepsake (pdf-lib)');
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  const info = (doc as unknown as { getInfoDict(): { set(key: PDFName, value: unknown): void } }).getInfoDict();
  info.set(PDFName.of('Trapped'), PDFName.of('False'));
  info.set(PDFName.of('GTS_PDFXVersion'), PDFString.of('PDF/X-4'));
  const hex = PDFHexString.of(id.replace(/-/g, ''));
  context.trailerInfo.ID = context.obj([hex, hex]);
}

/** A stable 128-bit id from the book and the moment (hex). */
function documentId(book: Book, now: Date): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const text = `${book.id}|${book.updatedAt}|${now.toISOString()}|${book.pages.length}`;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 16777619);
    b = Math.imul(b ^ text.charCodeAt(i), 2246822519);
  }
  const part = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  return `${part(a)}-${part(b)}-${part(a ^ b)}-${part(Math.imul(a, b))}`;
}

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

function xmpPacket(title: string, now: Date, id: string): string {
  const date = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(title)}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>${date}</xmp:CreateDate>
   <xmp:ModifyDate>${date}</xmp:ModifyDate>
   <xmp:MetadataDate>${date}</xmp:MetadataDate>
   <xmp:CreatorTool>Keepsake</xmp:CreatorTool>
   <pdf:Producer>Keepsake (pdf-lib)</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
   <xmpMM:DocumentID>uuid:${id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:${id}</xmpMM:InstanceID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <xmpMM:VersionID>1</xmpMM:VersionID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}
