/**
 * Book formats and print-lab presets. Sizes are millimetres; a page's trim is the finished page,
 * the bleed is printed beyond it and cut off. Labs differ in bleed, page-count rules and whether
 * they want the cover as a separate file (DESIGN.md §7). Pure data and arithmetic.
 */

export interface BookFormat {
  id: string;
  name: string;
  /** Trim size of one page, mm. */
  widthMm: number;
  heightMm: number;
}

export interface Lab {
  id: string;
  name: string;
  bleedMm: number;
  /** Faces and text stay this far inside the trim. */
  safeMm: number;
  /** Extra margin on the binding side of each page, where the book's fold swallows the picture. */
  gutterMm: number;
  minPages: number;
  maxPages: number;
  /** Page count must be a multiple of this (2 for single sheets, 4 for saddle stitch). */
  pageMultiple: number;
  /** Paper thickness per page, for the spine. */
  paperMmPerPage: number;
  /** Cover board and glue add this to the spine. */
  spineExtraMm: number;
  coverSeparate: boolean;
  formats: readonly string[];
}

export const FORMATS: readonly BookFormat[] = [
  { id: 'square-20', name: '20 × 20 cm square', widthMm: 200, heightMm: 200 },
  { id: 'square-30', name: '30 × 30 cm square', widthMm: 300, heightMm: 300 },
  { id: 'a4-landscape', name: 'A4 landscape', widthMm: 297, heightMm: 210 },
  { id: 'square-8in', name: '8 × 8 in square', widthMm: 203.2, heightMm: 203.2 },
  { id: 'landscape-11x8.5', name: '11 × 8.5 in landscape', widthMm: 279.4, heightMm: 215.9 },
];

export const LABS: readonly Lab[] = [
  {
    id: 'standard', name: 'Standard lay-flat (3 mm bleed)', bleedMm: 3, safeMm: 5, gutterMm: 8, minPages: 20, maxPages: 200, pageMultiple: 2,
    paperMmPerPage: 0.06, spineExtraMm: 4, coverSeparate: true, formats: FORMATS.map((format) => format.id),
  },
  {
    id: 'bleed-4mm', name: 'Hardcover lab (4 mm bleed)', bleedMm: 4, safeMm: 6, gutterMm: 10, minPages: 24, maxPages: 160, pageMultiple: 2,
    paperMmPerPage: 0.1, spineExtraMm: 6, coverSeparate: true, formats: ['square-20', 'square-30', 'a4-landscape'],
  },
  {
    id: 'saddle-stitch', name: 'Softcover, stapled (pages in fours)', bleedMm: 3, safeMm: 5, gutterMm: 5, minPages: 12, maxPages: 48, pageMultiple: 4,
    paperMmPerPage: 0.05, spineExtraMm: 0, coverSeparate: false, formats: ['square-20', 'square-8in', 'landscape-11x8.5', 'a4-landscape'],
  },
  {
    id: 'us-lab', name: 'US lab (0.125 in bleed)', bleedMm: 3.175, safeMm: 6.35, gutterMm: 9.5, minPages: 20, maxPages: 240, pageMultiple: 2,
    paperMmPerPage: 0.07, spineExtraMm: 3, coverSeparate: true, formats: ['square-8in', 'landscape-11x8.5'],
  },
];

export const DEFAULT_FORMAT = 'square-20';
export const DEFAULT_LAB = 'standard';

export function formatById(id: string): BookFormat | undefined {
  return FORMATS.find((format) => format.id === id);
}

export function labById(id: string): Lab | undefined {
  return LABS.find((lab) => lab.id === id);
}

/** The page count a lab accepts for a book with `content` pages: at least its minimum, up to its multiple. */
export function printablePageCount(content: number, lab: Lab): number {
  const atLeast = Math.max(content, lab.minPages);
  return Math.ceil(atLeast / lab.pageMultiple) * lab.pageMultiple;
}

/** Spine width for a page count, mm. */
export function spineWidthMm(pages: number, lab: Lab): number {
  return Math.round((pages * lab.paperMmPerPage + lab.spineExtraMm) * 10) / 10;
}

export const MM_PER_INCH = 25.4;
export const POINTS_PER_MM = 72 / MM_PER_INCH;
