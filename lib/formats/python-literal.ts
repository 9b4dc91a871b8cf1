/**
 * A parser for Python literal text (`repr()` of lists, dicts, tuples, strings, numbers, `True`,
 * `False`, `None`): what tools wrapped by verifiers environments return when the environment
 * passes `str(results)` back as the tool message (e.g. Exa hits in
 * PrimeIntellect-ai/prime-environments `browsecomp`, `[{'title': …, 'url': …, 'highlights': …}]`).
 * Returns `undefined` for anything that is not one complete literal (cut text included).
 */

class Fail extends Error {}

/**
 * Parse a Python literal into the equivalent JSON value (tuples become arrays).
 * @example parsePythonLiteral("[{'a': 1, 'b': None}]") // [{ a: 1, b: null }]
 */
export function parsePythonLiteral(text: string): unknown {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === " " || text[i] === "\n" || text[i] === "\t" || text[i] === "\r")) i++;
  };
  // a string literal: runs between escapes are sliced whole (char-by-char concatenation was the
  // hot spot of verifiers replies, which are Exa hit lists of a few kB each)
  let nb = -2; // next backslash / newline at or after the scan position (-1: none left)
  let nn = -2;
  const str = (): string => {
    const q = text[i]!;
    const qc = q.charCodeAt(0);
    const triple = text.startsWith(q.repeat(3), i);
    const close = triple ? q.repeat(3) : q;
    i += close.length;
    let out = "";
    let start = i;
    for (;;) {
      // jump to the next quote, backslash or (single-quoted) newline
      if (nb !== -1 && nb < i) nb = text.indexOf("\\", i);
      if (!triple && nn !== -1 && nn < i) nn = text.indexOf("\n", i);
      let j = text.indexOf(q, i);
      if (j === -1) j = n;
      if (nb !== -1 && nb < j) j = nb;
      if (!triple && nn !== -1 && nn < j) j = nn;
      i = j;
      if (i >= n) throw new Fail();
      const c = text.charCodeAt(i);
      if (c === qc && (!triple || text.startsWith(close, i))) {
        out += text.slice(start, i);
        i += close.length;
        return out;
      }
      if (c === 92) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case "n":
            out += "\n";
            break;
          case "t":
            out += "\t";
            break;
          case "r":
            out += "\r";
            break;
          case "0":
            out += "\0";
            break;
          case "x":
            out += String.fromCharCode(parseInt(text.slice(i, i + 2), 16));
            i += 2;
            break;
          case "u":
            out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
            i += 4;
            break;
          case "U":
            out += String.fromCodePoint(parseInt(text.slice(i, i + 8), 16));
            i += 8;
            break;
          case "\n":
            break;
          case undefined:
            throw new Fail();
          default:
            out += e === "\\" || e === "'" || e === '"' ? e : `\\${e}`;
        }
        start = i;
        continue;
      }
      if (!triple && c === 10) throw new Fail();
      i++;
    }
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === undefined) throw new Fail();
    if (c === "'" || c === '"') {
      let s = str();
      // adjacent literals concatenate: 'a' 'b'
      for (;;) {
        const save = i;
        ws();
        if (text[i] === "'" || text[i] === '"') s += str();
        else {
          i = save;
          return s;
        }
      }
    }
    if (c === "[" || c === "(") {
      const end = c === "[" ? "]" : ")";
      i++;
      const arr: unknown[] = [];
      for (;;) {
        ws();
        if (text[i] === end) {
          i++;
          return arr;
        }
        arr.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== end) throw new Fail();
      }
    }
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      for (;;) {
        ws();
        if (text[i] === "}") {
          i++;
          return obj;
        }
        const k = value();
        ws();
        if (text[i] !== ":") throw new Fail();
        i++;
        obj[typeof k === "string" ? k : JSON.stringify(k)] = value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") throw new Fail();
      }
    }
    const m = /^(?:True|False|None|-?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+)|-?inf|nan)/.exec(text.slice(i, i + 40));
    if (!m) throw new Fail();
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0]);
  };
  try {
    const v = value();
    ws();
    return i === n ? v : undefined;
  } catch (err) {
    if (err instanceof Fail) return undefined;
    throw err;
  }
}
