// Clustering and model selection on fingerprints (browser-safe). Node-only parts (re-exported
// from src/node.ts): silhouette.node.ts (silhouetteSamplesParallel), choose-k.node.ts
// (chooseKParallel), features.node.ts (readFeatures, isHdf5File).
export { KMeans, kmeans, type KMeansFitted, type KMeansOptions } from "./kmeans.js";
export { chooseK, type ChooseKEntry, type ChooseKOptions, type ChooseKResult } from "./choose-k.js";
export { silhouetteSamples, silhouetteScore } from "./silhouette.js";
export { Pca, pca, type PcaFitted, type PcaOptions } from "./pca.js";
export { Scaler, scale, type ScalerFitted, type ScalerKind, type ScalerOptions } from "./scalers.js";
export { LINKAGE_METHODS, linkage, linkageFromDistances, type LinkageMethod } from "./linkage.js";
export { fclusterDistance, fclusterMaxclust } from "./fcluster.js";
export { dendrogram, leavesList, type DendrogramLayout, type DendrogramOptions } from "./dendrogram.js";
export { dbscan, type DbscanOptions, type DbscanResult } from "./dbscan.js";
export {
  GaussianMixture, chooseGmmK, gaussianMixture,
  type Covariance, type GaussianMixtureFitted, type GaussianMixtureOptions, type GmmInit, type GmmKEntry,
} from "./gmm.js";
export { adjustedRandIndex, contingencyTable, linearSumAssignment, matchLabels, type ContingencyTable, type LabelMatch } from "./compare.js";
export { condensedDistances } from "./distances.js";
export { symmetricEigen, type SymmetricEigen } from "./eigen.js";
export {
  featuresFromDatasets, featuresFromHdf5, featuresFromTable, fingerprintColumns, formatCsv, parseFeatureCsv,
  type FeatureFile, type FeatureTable,
} from "./features.js";
export {
  CLUSTER_METHODS, clusterFeatures, type ClusterMethod, type ClusterOutcome, type ClusterRequest, type ClusterSweepEntry,
} from "./cluster-features.js";
