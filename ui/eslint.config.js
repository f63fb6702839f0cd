import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/bindings"] },
  {
    files: ["**/*.{ts,tsx}"],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      // Nothing is put into the page as HTML: text and SVG are built as React elements, so the
      // backend's data (AWS text, logs) is always escaped by React. eslint-plugin-react is not a
      // dependency, hence no-restricted-syntax instead of react/no-danger.
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: "Build elements in React instead of inserting HTML (see the fleet sparkline).",
        },
        {
          selector: "Property[key.name='dangerouslySetInnerHTML']",
          message: "Build elements in React instead of inserting HTML (see the fleet sparkline).",
        },
      ],
      // `invoke` is imported only by api.ts; everything else goes through it.
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@tauri-apps/api/core", message: "Call the backend through src/api.ts only." }] },
      ],
    },
  },
  {
    files: ["src/api.ts", "src/**/*.test.{ts,tsx}", "src/test/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // The bridge rejects with plain ErrorPayload objects; the fakes in tests do the same on purpose.
    files: ["src/**/*.test.{ts,tsx}", "src/test/**"],
    rules: { "@typescript-eslint/only-throw-error": "off", "@typescript-eslint/prefer-promise-reject-errors": "off" },
  },
);
