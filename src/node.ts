// The public API plus the Node-only parts (file readers, persistence, workers, pipeline).
export * from "./index.js";
