// Lint: TypeScript-aware recommended rules, run by CI (`npm run lint`) with Prettier's check.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".venv/", "bench/out/", "tests/.tmp/", "labels/", "notebooks/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: Object.fromEntries(
        [
          "process",
          "console",
          "Buffer",
          "URL",
          "URLSearchParams",
          "setTimeout",
          "clearTimeout",
          "setInterval",
          "clearInterval",
          "setImmediate",
          "queueMicrotask",
          "performance",
          "structuredClone",
          "AbortController",
          "TextDecoder",
          "TextEncoder",
          "fetch",
          "global",
          "globalThis",
        ].map((g) => [g, "readonly"]),
      ),
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "max-len": [
        "error",
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    // page.evaluate callbacks run in the browser page, whose globals (window, document) are untyped here
    files: ["tests/browser/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
