/**
 * Writes a pdf-lib document out as it is made, into a Blob, instead of pdf-lib's save(): each
 * photo is written (and dropped from the document) as soon as it is placed, so a book of hundreds
 * of megabytes never sits in memory twice — the Blob's bytes live in the browser's blob storage,
 * which spills to disk. A classic cross-reference table ends the file. Works in Node too.
 */
import { PDFName, PDFNumber, type PDFContext, type PDFObject, type PDFRef } from 'pdf-lib';

const encoder = new TextEncoder();
/** `%PDF-1.7` and a comment of high bytes that marks the file as binary. */
const HEADER = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x25, 0xe2, 0xe3, 0xcf, 0xd3, 0x0a]);
/** Parts are folded into the Blob once they hold this many bytes. */
const FOLD_BYTES = 16 * 1024 * 1024;

export class PdfStreamWriter {
  #blob = new Blob([HEADER as Uint8Array<ArrayBuffer>]);
  #parts: Uint8Array<ArrayBuffer>[] = [];
  #pending = 0;
  #offset = HEADER.length;
  readonly #offsets = new Map<number, number>();

  constructor(private readonly context: PDFContext) {}

  /** Write one indirect object now and remove it from the document (its memory goes with it). */
  writeAndDrop(ref: PDFRef): void {
    const object = this.context.lookup(ref);
    if (!object) throw new Error(`object ${ref.objectNumber} is not in the document`);
    this.#write(ref, object);
    this.context.delete(ref);
  }

  /** Write every object still in the document, the cross-reference table and the trailer. */
  finish(): Blob {
    const remaining = this.context.enumerateIndirectObjects().sort((a, b) => a[0].objectNumber - b[0].objectNumber);
    for (const [ref, object] of remaining) this.#write(ref, object);
    const size = this.context.largestObjectNumber + 1;
    const lines = ['xref', `0 ${size}`, '0000000000 65535 f '];
    for (let n = 1; n < size; n++) {
      const offset = this.#offsets.get(n);
      lines.push(offset === undefined ? '0000000000 65535 f ' : `${String(offset).padStart(10, '0')} 00000 n `);
    }
    const { Root, Info, ID } = this.context.trailerInfo;
    const trailer = this.context.obj({ Size: PDFNumber.of(size) });
    if (Root) trailer.set(PDFName.of('Root'), Root);
    if (Info) trailer.set(PDFName.of('Info'), Info);
    if (ID) trailer.set(PDFName.of('ID'), ID);
    this.#push(encoder.encode(`${lines.join('\n')}\ntrailer\n${trailer.toString()}\nstartxref\n${this.#offset}\n%%EOF\n`));
    this.#fold();
    return new Blob([this.#blob], { type: 'application/pdf' });
  }

  #write(ref: PDFRef, object: PDFObject): void {
    this.#offsets.set(ref.objectNumber, this.#offset);
    const body = new Uint8Array(object.sizeInBytes());
    object.copyBytesInto(body, 0);
    this.#push(encoder.encode(`${ref.objectNumber} ${ref.generationNumber} obj\n`));
    this.#push(body);
    this.#push(encoder.encode('\nendobj\n'));
  }

  #push(bytes: Uint8Array<ArrayBuffer>): void {
    this.#parts.push(bytes);
    this.#offset += bytes.length;
    this.#pending += bytes.length;
    if (this.#pending >= FOLD_BYTES) this.#fold();
  }

  #fold(): void {
    this.#blob = new Blob([this.#blob, ...this.#parts]);
    this.#parts = [];
    this.#pending = 0;
  }
}
