/** Trace text reaches the terminal: neutralise control characters (escape sequences) first. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
