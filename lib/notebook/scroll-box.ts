/**
 * A box that scrolls sideways when its content (a wide table) is wider than the notebook's output
 * pane, so the output itself never overflows (JupyterLab would otherwise scroll or clip the whole
 * output, cutting the last columns off).
 * @example
 * tslab.display.html(scrollBox(htmlTable(rows)));
 */
export function scrollBox(html: string): string {
  return `<div class="sounding-scroll" style="max-width:100%;overflow-x:auto">${html}</div>`;
}
