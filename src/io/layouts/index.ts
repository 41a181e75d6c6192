// Node-only: the Python tools' HDF5 layouts (FORMATS.md §1–2).
export * from "./waveform-set.node.js";
export * from "./results.node.js";
