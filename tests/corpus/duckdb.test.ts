/** The DuckDB door: result values come back as plain JSON-able values, never as engine objects. */
import { describe, expect, it } from "vitest";
import { Engine, num } from "../../lib/corpus/duckdb.js";

describe("Engine.all", () => {
  it("returns BIGINT as numbers, NULL as null, lists and structs as JSON text", async () => {
    const db = await Engine.open({ memoryLimit: "64MB", threads: 1 });
    try {
      const rows = await db.all(
        `SELECT 7::BIGINT AS b, NULL AS n, 'it''s' AS s, true AS t, 0.5::DOUBLE AS d,
                [1, 2]::BIGINT[] AS l, {'a': 1, 'b': 'x'} AS st, ${num(0.1)} + ${num(0.2)} AS ieee`,
      );
      expect(rows).toEqual([
        { b: 7, n: null, s: "it's", t: true, d: 0.5, l: "[1,2]", st: '{"a":1,"b":"x"}', ieee: 0.1 + 0.2 },
      ]);
    } finally {
      db.close();
    }
  });
});
