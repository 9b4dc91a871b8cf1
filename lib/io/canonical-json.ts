/**
 * JSON with object keys sorted at every level and `undefined` members dropped (stable across runs and
 * platforms): what every config hash, spec hash and figure data hash is computed over.
 * @example
 * canonicalJson({ b: 1, a: [2, { d: null, c: undefined }] }); // '{"a":[2,{"d":null}],"b":1}'
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
