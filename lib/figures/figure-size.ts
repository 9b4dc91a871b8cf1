/**
 * Print sizes for figures. A figure is drawn at the size it will be printed: one SVG unit is one
 * PostScript point (1/72 in), so a PDF page is the figure's size and a font size in the SVG is the
 * font size on paper.
 *
 * Widths: a number of points, a length with a unit (`3.3in`, `8.5cm`, `85mm`, `240pt`, `320px`
 * at 96 px per inch) or a preset: `column` = 3.3 in (one column of a two-column paper, e.g.
 * ACL / ICML / NeurIPS two-column) and `page` = 6.9 in (the full text width).
 * @example
 * parseWidth("column"); // 237.6
 * parseWidth("8.5cm"); // 240.94…
 */
import { z } from "zod";

/** Points per unit. */
const UNIT_PT: Record<string, number> = { pt: 1, in: 72, cm: 72 / 2.54, mm: 72 / 25.4, px: 72 / 96 };

/** Named widths, in points. */
export const FIGURE_WIDTHS = { column: 3.3 * 72, page: 6.9 * 72 } as const;

/** Smallest text allowed at print size, in points. */
export const MIN_FONT_PT = 6;

/** A width or font size that cannot be read; the message names the input and what is accepted. */
export class FigureSizeError extends Error {
  override readonly name = "FigureSizeError";
}

/** A width in points from a number (points), a length with a unit, or `column` / `page`. */
export function parseWidth(input: string | number): number {
  if (typeof input === "number") {
    if (!(Number.isFinite(input) && input > 0))
      throw new FigureSizeError(`invalid width ${input}: give a positive number of points`);
    return input;
  }
  const s = input.trim().toLowerCase();
  if (s in FIGURE_WIDTHS) return FIGURE_WIDTHS[s as keyof typeof FIGURE_WIDTHS];
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(pt|in|cm|mm|px)?$/.exec(s);
  if (!m) {
    throw new FigureSizeError(
      `invalid width "${input}": use column, page, or a length such as 3.3in, 8.5cm, 85mm, 240pt`,
    );
  }
  const pt = Number(m[1]) * UNIT_PT[m[2] ?? "pt"]!;
  if (!(pt >= 72))
    throw new FigureSizeError(`invalid width "${input}": at least 1in (72pt) is needed for a readable figure`);
  return pt;
}

/** The size options every preset takes. */
export const FigureSizeSchema = z
  .object({
    width: z
      .union([z.string(), z.number()])
      .optional()
      .describe("print width: column (3.3in), page (6.9in) or a length (3.3in, 8.5cm, 240pt); default per preset"),
    fontSize: z
      .number()
      .min(MIN_FONT_PT)
      .max(24)
      .default(8)
      .describe(`font size at print size, in points (default 8; at least ${MIN_FONT_PT})`),
  })
  .strict();
export type FigureSizeInput = z.input<typeof FigureSizeSchema>;

/** A resolved print size: width and base font size in points. */
export interface FigureSize {
  widthPt: number;
  fontPt: number;
}

/** Resolve size options against a preset's default width. */
export function figureSize(input: FigureSizeInput | undefined, defaultWidth: keyof typeof FIGURE_WIDTHS): FigureSize {
  const r = FigureSizeSchema.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new FigureSizeError(`invalid figure ${i.path.join(".") || "size"}: ${i.message}`);
  }
  return { widthPt: parseWidth(r.data.width ?? defaultWidth), fontPt: r.data.fontSize };
}

/**
 * A title broken into lines that fit `widthPt` at `fontPt` (bold DejaVu Sans is up to about 0.8 em
 * per character on average), at word boundaries; one string when it fits on one line.
 */
export function fitTitle(title: string, size: FigureSize, emPerChar = 0.8): string | string[] {
  const perLine = Math.max(12, Math.floor((size.widthPt - 2 * size.fontPt) / ((size.fontPt + 1) * emPerChar)));
  if (title.length <= perLine) return title;
  const lines: string[] = [];
  let line = "";
  for (const word of title.split(/\s+/)) {
    if (line && (line + " " + word).length > perLine) {
      lines.push(line);
      line = word;
    } else line = line ? line + " " + word : word;
  }
  if (line) lines.push(line);
  return lines;
}
