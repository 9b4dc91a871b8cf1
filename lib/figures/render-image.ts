/**
 * PNG and PDF from a figure's SVG, headlessly and deterministically: the DejaVu Sans fonts the
 * SVG names are the TrueType files of the `dejavu-fonts-ttf` package (no system fonts), PNG via
 * resvg, PDF via PDFKit with the fonts embedded (subset) and fixed document dates.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";

const require = createRequire(import.meta.url);

/** The pinned font files (regular and bold). */
export function fontFiles(): { regular: string; bold: string } {
  const dir = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return { regular: join(dir, "DejaVuSans.ttf"), bold: join(dir, "DejaVuSans-Bold.ttf") };
}

function sizeOf(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  return { width: m ? Number(m[1]) : 600, height: m ? Number(m[2]) : 400 };
}

/** PNG bytes at `scale` × the SVG's size (default 2, for print). */
export function renderPng(svg: string, scale = 2): Buffer {
  const f = fontFiles();
  const r = new Resvg(svg, {
    font: {
      loadSystemFonts: false,
      fontFiles: [f.regular, f.bold],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  return Buffer.from(r.render().asPng());
}

/** PDF bytes, one page the size of the SVG, fonts embedded. */
export function renderPdf(svg: string): Promise<Buffer> {
  const f = fontFiles();
  const { width, height } = sizeOf(svg);
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    autoFirstPage: true,
    info: { Producer: "sounding", Creator: "sounding", CreationDate: new Date(0), ModDate: new Date(0) },
  });
  doc.registerFont("DejaVu Sans", f.regular);
  doc.registerFont("DejaVu Sans Bold", f.bold);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  SVGtoPDF(doc, svg, 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family: string, bold: boolean) => (bold ? "DejaVu Sans Bold" : "DejaVu Sans"),
  });
  doc.end();
  return done;
}
