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
  // character codes throughout: `text[i]` builds a one-character string per test, which made this
  // parser (verifiers and Inspect search replies are Exa hit lists) slower than the JSON.parse of the record
  const ws = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return;
    }
  };
  // a string literal: runs between escapes are sliced whole (char-by-char concatenation was the
  // hot spot of verifiers replies, which are Exa hit lists of a few kB each)
  let nb = -2; // next backslash / newline at or after the scan position (-1: none left)
  let nn = -2;
  const str = (): string => {
    const qc = text.charCodeAt(i);
    const q = qc === 39 ? "'" : '"';
    const triple = text.charCodeAt(i + 1) === qc && text.charCodeAt(i + 2) === qc;
    const close = triple ? q + q + q : q;
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
      if (c === qc && (!triple || (text.charCodeAt(i + 1) === qc && text.charCodeAt(i + 2) === qc))) {
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
    if (i >= n) throw new Fail();
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34) {
      let s = str();
      // adjacent literals concatenate: 'a' 'b'
      for (;;) {
        const save = i;
        ws();
        const d = text.charCodeAt(i);
        if (d === 39 || d === 34) s += str();
        else {
          i = save;
          return s;
        }
      }
    }
    if (c === 91 || c === 40) {
      const end = c === 91 ? 93 : 41; // [ ] or ( )
      i++;
      const arr: unknown[] = [];
      for (;;) {
        ws();
        if (text.charCodeAt(i) === end) {
          i++;
          return arr;
        }
        arr.push(value());
        ws();
        const d = text.charCodeAt(i);
        if (d === 44) i++;
        else if (d !== end) throw new Fail();
      }
    }
    if (c === 123) {
      i++;
      const obj: Record<string, unknown> = {};
      for (;;) {
        ws();
        if (text.charCodeAt(i) === 125) {
          i++;
          return obj;
        }
        const k = value();
        ws();
        if (text.charCodeAt(i) !== 58) throw new Fail();
        i++;
        obj[typeof k === "string" ? k : JSON.stringify(k)] = value();
        ws();
        const d = text.charCodeAt(i);
        if (d === 44) i++;
        else if (d !== 125) throw new Fail();
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
