// Node-only: the HDF5 wrapper (h5wasm's Node build reads and writes real files).
export * from "./file.node.js";
