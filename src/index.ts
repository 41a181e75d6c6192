// Public, browser-safe API: re-exports only (STYLE.md §1).
export * from "./core/index.js";
